using Distill.Analysis.Compare;

namespace Distill.Analysis.Report;

/// <summary>Everything the HTML report shows about one image.</summary>
public sealed record ReportImage
{
    public required ImageFacts Facts { get; init; }
    public required IReadOnlyList<LayerFact> Layers { get; init; }
    public required IReadOnlyList<SurfaceFact> Surface { get; init; }

    /// <summary>The final filesystem, already cut down (<see cref="FileTree.Prune"/>) to what the treemap draws.</summary>
    public required FileTreeNode Tree { get; init; }
}
