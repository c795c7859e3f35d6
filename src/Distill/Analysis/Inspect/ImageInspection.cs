using Distill.Analysis.Inventory;
using Distill.Oci;

namespace Distill.Analysis.Inspect;

/// <summary>
/// What <c>distill inspect</c> knows about an image, as data for other views (compare, report): identity, runtime
/// config, layers and sizes, the final filesystem, wasted space and efficiency (dive's), and the attack surface.
/// </summary>
public sealed record ImageInspection
{
    public required string Reference { get; init; }
    public required Descriptor Manifest { get; init; }
    public required Platform Platform { get; init; }
    public string? Created { get; init; }
    /// <summary>The image's runtime defaults (entrypoint, cmd, user, env, ports…); empty when the config has none.</summary>
    public required ContainerConfig Config { get; init; }
    public required IReadOnlyList<LayerInspection> Layers { get; init; }
    public required FilesystemSummary Filesystem { get; init; }
    public required WastedSpace Wasted { get; init; }
    public required IReadOnlyList<AttackSurfaceFinding> AttackSurface { get; init; }

    /// <summary>Packages from dpkg, apk, Go build info and .NET deps.json, gathered in the same pass.</summary>
    public required PackageInventoryResult Packages { get; init; }

    public Digest Digest => Manifest.Digest;

    /// <summary>Bytes of the layer blobs (what a pull downloads, besides manifest and config).</summary>
    public long CompressedSize => Layers.Sum(l => l.CompressedSize);

    /// <summary>Bytes of the layers' uncompressed tars.</summary>
    public long UncompressedSize => Layers.Sum(l => l.UncompressedSize);

    public IEnumerable<AttackSurfaceFinding> Findings(AttackSurfaceKind kind) => AttackSurface.Where(f => f.Kind == kind);

    public bool RunsAsRoot => AttackSurface.Any(f => f.Kind == AttackSurfaceKind.RootUser);
}
