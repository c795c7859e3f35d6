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
        var fs = await ImageRootFilesystem.CreateAsync(image, Prefetch(image.Config), ct);
        return await VerifyAsync(fs, image.Config, ct);
    }

    /// <summary>
    /// What the checks will read, taken during the indexing pass so that no layer is decompressed twice in the usual
    /// case: configuration, every file named like argv[0] (its location is known only once PATH and symlinks are
    /// resolved, after the pass), and the loader view of shared objects in library directories. What it misses (an
    /// RPATH elsewhere, a #! interpreter) is read afterwards, layer by layer.
    /// </summary>
    internal static ImagePrefetch Prefetch(ImageConfig config)
    {
        var command = EntrypointCheck.Command(config.Config);
        var program = command.Count > 0 ? command[0][(command[0].LastIndexOf('/') + 1)..] : null;
        return new ImagePrefetch
        {
            Keep = (path, size) => (size <= LoaderConfiguration.ConfigurationLimit
                    && (LoaderConfiguration.IsConfigurationFile(path) || UserCheck.IsAccountFile(path) || path == "/etc/nsswitch.conf"))
                || (program is { Length: > 0 } && size <= LibraryResolver.ElfLimit && path.EndsWith("/" + program, StringComparison.Ordinal)),
            ParseElf = (path, _) => path.Contains(".so", StringComparison.Ordinal) && (path.StartsWith("/lib", StringComparison.Ordinal)
                || path.StartsWith("/usr/lib", StringComparison.Ordinal) || path.StartsWith("/usr/local/lib", StringComparison.Ordinal)),
        };
    }

    /// <summary>Verifies a root filesystem as if it were an image with <paramref name="config"/>.</summary>
    public static async Task<VerifyReport> VerifyAsync(IRootFilesystem fs, ImageConfig config, CancellationToken ct)
    {
        var report = await new EntrypointCheck(fs, config).RunAsync(ct);
        var user = await UserCheck.RunAsync(fs, config.Config?.User, ct);
        return report with { Findings = [.. report.Findings, .. user] };
    }
}
