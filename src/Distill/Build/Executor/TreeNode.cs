namespace Distill.Build;

/// <summary>
/// One entry of a materialised root filesystem as the copying snapshotter left it: its <see cref="TreeStat"/> right
/// after the copy, and for a directory its children by name. Comparing the tree with the index after a step tells what
/// the step created, changed, replaced or deleted without reading any file.
/// </summary>
internal sealed class TreeNode(TreeStat stat)
{
    public TreeStat Stat { get; set; } = stat;
    public Dictionary<string, TreeNode>? Children { get; set; }

    /// <summary>The latest change time in the tree: later changes must be stamped after it to be seen.</summary>
    public long LatestChange()
    {
        var latest = Stat.ChangeTimeNs;
        if (Children is not null)
        {
            foreach (var child in Children.Values)
                latest = Math.Max(latest, child.LatestChange());
        }
        return latest;
    }
}
