using Distill.Analysis;
using Distill.Oci;

namespace Distill.Build;

/// <summary>
/// Where <c>--with-deps</c> takes an executable's dependencies from (<c>--deps-from</c>): a host directory — the
/// host root by default — or any image reference (<c>oci:DIR[:TAG]</c>, <c>docker://…</c>, a store name). An
/// existing directory wins over a store name; a value that looks like a path (<c>/…</c>, <c>./…</c>) must be one.
/// </summary>
public static class DependencySource
{
    public const string HostRoot = "/";

    public static async Task<IRootFilesystem> OpenAsync(string? value, TransportOptions transport, CancellationToken ct)
    {
        value ??= HostRoot;
        if (Directory.Exists(value))
            return new HostRootFilesystem(value);
        if (value.StartsWith('/') || value.StartsWith("./", StringComparison.Ordinal) || value.StartsWith("../", StringComparison.Ordinal) || value is "." or "..")
            throw new InvalidImageException($"--deps-from {value}: no such directory");
        var image = await Transports.ReadAsync(ImageReference.Parse(value), transport, ct);
        return await ImageRootFilesystem.CreateAsync(image, IsConfiguration, LoaderConfiguration.ConfigurationLimit, ct, $"image {value}");
    }

    /// <summary>Files read while indexing an image for the closure copy (the loader's configuration, nsswitch.conf).</summary>
    public static bool IsConfiguration(string path) => LoaderConfiguration.IsConfigurationFile(path) || path == "/etc/nsswitch.conf";
}
