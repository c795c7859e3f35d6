using Distill.Oci;

namespace Distill.Build;

/// <summary>What <c>distill pack</c> puts into an image: a host directory, where it lands, and the runtime config.</summary>
public sealed record PackOptions
{
    /// <summary>The host directory with the application.</summary>
    public required string Directory { get; init; }
    /// <summary>The program to start, as an image path (absolute, or relative to <see cref="AppDir"/>).</summary>
    public required string Entrypoint { get; init; }
    public IReadOnlyList<string>? Cmd { get; init; }
    public IReadOnlyList<string> Env { get; init; } = [];
    public string? WorkDir { get; init; }
    public string? User { get; init; }
    public IReadOnlyList<string> Labels { get; init; } = [];
    public IReadOnlyList<string> Expose { get; init; } = [];
    /// <summary>The base image, or null for scratch.</summary>
    public ImageReference? Base { get; init; }
    /// <summary>Where <see cref="Directory"/> lands in the image.</summary>
    public string AppDir { get; init; } = "/";
    public Platform Platform { get; init; } = Platform.LinuxAmd64;
    public LayerCompression Compression { get; init; } = LayerCompression.Gzip;
    /// <summary>One layer per top-level directory, then one for top-level files, so unchanged dependencies are reused.</summary>
    public bool SplitLayers { get; init; }
    /// <summary>Add the entrypoint's loader, libraries and known runtime loads (<see cref="Analysis.DependencyCopy"/>) as a layer of their own.</summary>
    public bool WithDependencies { get; init; }
    /// <summary>Where the dependencies come from (<see cref="DependencySource"/>): a directory or an image reference; null for the host root.</summary>
    public string? DependenciesFrom { get; init; }
    /// <summary>Where layer blobs are staged; best on the file system of the first output.</summary>
    public required string StagingDirectory { get; init; }
}
