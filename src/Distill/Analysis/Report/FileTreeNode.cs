namespace Distill.Analysis.Report;

/// <summary>
/// A directory or file of an image's final filesystem with the bytes below it: what the report's treemap draws.
/// A node standing for several small siblings that were not kept has <see cref="Collapsed"/> &gt; 0.
/// </summary>
public sealed record FileTreeNode(string Name, string Path, long Size, bool IsDirectory, long Files, IReadOnlyList<FileTreeNode> Children)
{
    /// <summary>How many siblings this node stands for when it groups the small ones (0 for a real entry).</summary>
    public int Collapsed { get; init; }

    /// <summary>Every node of the tree, this one first.</summary>
    public int CountNodes() => 1 + Children.Sum(c => c.CountNodes());
}
