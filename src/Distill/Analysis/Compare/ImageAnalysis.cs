using Distill.Analysis.Inspect;
using Distill.Analysis.Inventory;
using Distill.Oci;

namespace Distill.Analysis.Compare;

/// <summary>
/// An image inspected (<see cref="ImageInspector"/>) and inventoried (<see cref="PackageInventory"/>): what compare and
/// report are made from, in one pass over the layers (the inspector feeds the inventory).
/// </summary>
public sealed record ImageAnalysis(ImageInspection Inspection)
{
    public static async Task<ImageAnalysis> ReadAsync(IImage image, string reference, CancellationToken ct) =>
        new(await ImageInspector.InspectAsync(image, new InspectOptions { Reference = reference }, ct));

    /// <summary>The comparison's row for this image. Shells, package managers and setuid files are those of the final filesystem.</summary>
    public ImageFacts Facts() => new()
    {
        Reference = Inspection.Reference,
        Digest = Inspection.Digest.ToString(),
        CompressedSize = Inspection.CompressedSize,
        UncompressedSize = Inspection.UncompressedSize,
        Layers = Inspection.Layers.Count,
        Files = Inspection.Filesystem.FileCount,
        Packages = Inspection.Packages.Distinct().Select(p => new PackageFact(p.Name, p.Version, p.Type.PurlType(), p.Purl)).ToList(),
        Shells = Present(AttackSurfaceKind.Shell),
        PackageManagers = Present(AttackSurfaceKind.PackageManager),
        SetuidFiles = Present(AttackSurfaceKind.Setuid),
    };

    private List<string> Present(AttackSurfaceKind kind) =>
        Inspection.Findings(kind).Where(f => f.Presence == FilePresence.Present && f.Path is not null).Select(f => f.Path!).Distinct(StringComparer.Ordinal).ToList();
}
