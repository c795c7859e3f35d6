using Distill.Oci;

namespace Distill.Analysis;

/// <summary>
/// <c>distill verify</c>: proves, without running it, that an image's entrypoint can start — see
/// <see cref="EntrypointCheck"/> and <see cref="UserCheck"/>. The image is indexed from its tar headers in one pass;
/// only the files the checks need are read.
/// </summary>
public static class ImageVerifier
{
    public static async Task<VerifyReport> VerifyAsync(IImage image, CancellationToken ct)
    {
        var fs = await ImageRootFilesystem.CreateAsync(image, path => LoaderConfiguration.IsConfigurationFile(path) || UserCheck.IsAccountFile(path) || path == "/etc/nsswitch.conf",
            LoaderConfiguration.ConfigurationLimit, ct);
        return await VerifyAsync(fs, image.Config, ct);
    }

    /// <summary>Verifies a root filesystem as if it were an image with <paramref name="config"/>.</summary>
    public static async Task<VerifyReport> VerifyAsync(IRootFilesystem fs, ImageConfig config, CancellationToken ct)
    {
        var report = await new EntrypointCheck(fs, config).RunAsync(ct);
        var user = await UserCheck.RunAsync(fs, config.Config?.User, ct);
        return report with { Findings = [.. report.Findings, .. user] };
    }
}
