using Distill.Analysis.Compare;
using Distill.Analysis.Inspect;

namespace Distill.Analysis.Report;

/// <summary>Makes the report's view of an analysed image.</summary>
public static class ReportImages
{
    /// <summary>Boxes a treemap draws at most: enough to see a 1 GB image's big directories, few enough to stay light.</summary>
    public const int TreemapNodes = 600;

    public static ReportImage From(ImageAnalysis analysis, int treemapNodes = TreemapNodes)
    {
        var inspection = analysis.Inspection;
        return new ReportImage
        {
            Facts = analysis.Facts(),
            Layers = inspection.Layers.Select(l => new LayerFact(l.Digest.ToString(), l.CompressedSize, l.UncompressedSize, l.CreatedBy ?? "")).ToList(),
            Surface = inspection.AttackSurface.Select(f => new SurfaceFact(f.Kind.Id(), f.Path ?? "(config)",
                f.Presence == FilePresence.Present ? f.Detail : Join(f.Detail, $"{f.Presence.ToString().ToLowerInvariant()} by a later layer, still shipped in layer {f.Layer}"))).ToList(),
            Tree = FileTree.Prune(FileTree.From(inspection.Filesystem.Root), treemapNodes),
        };
    }

    private static string Join(string a, string b) => a.Length == 0 ? b : $"{a}; {b}";
}
