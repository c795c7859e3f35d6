using Distill.Analysis.Inspect;

namespace Distill.Analysis.Report;

/// <summary>
/// The final filesystem of an image (whiteouts applied) as a tree of sizes, cut down to the largest nodes so a 1 GB
/// image with 100 000 files still draws as a few hundred rectangles.
/// </summary>
public static class FileTree
{
    /// <summary>The inspection's final filesystem as a tree of sizes (regular files' bytes; a file counts 1 in <see cref="FileTreeNode.Files"/>).</summary>
    public static FileTreeNode From(FileNode node)
    {
        var children = node.Children.Select(From).OrderByDescending(c => c.Size).ThenBy(c => c.Name, StringComparer.Ordinal).ToList();
        var files = node.IsDirectory ? children.Sum(c => c.Files) : 1;
        return new FileTreeNode(node.Parent is null ? "/" : node.Name, node.Path, node.TotalSize, node.IsDirectory, files, children);
    }

    /// <summary>
    /// Keeps at most <paramref name="maxNodes"/> nodes: directories are opened largest first, and the children of an
    /// opened directory that do not fit are grouped into one "N more" node carrying their total size.
    /// </summary>
    public static FileTreeNode Prune(FileTreeNode root, int maxNodes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxNodes, 1);
        var kept = new Dictionary<FileTreeNode, List<FileTreeNode>>(ReferenceEqualityComparer.Instance);
        var queue = new PriorityQueue<FileTreeNode, long>();
        queue.Enqueue(root, -root.Size);
        var budget = maxNodes - 1;
        while (budget > 0 && queue.TryDequeue(out var node, out _))
        {
            if (node.Children.Count == 0)
                continue;
            var children = node.Children.OrderByDescending(c => c.Size).ThenBy(c => c.Name, StringComparer.Ordinal).ToList();
            // all children fit, or all but a grouping node's place
            var take = children.Count <= budget ? children.Count : Math.Max(0, budget - 1);
            var list = children.Take(take).ToList();
            if (take < children.Count)
            {
                var rest = children.Skip(take).ToList();
                var path = node.Path.TrimEnd('/') + "/…";
                list.Add(new FileTreeNode($"{rest.Count} more", path, rest.Sum(c => c.Size), IsDirectory: false, rest.Sum(c => c.Files), []) { Collapsed = rest.Count });
            }
            budget -= list.Count;
            kept[node] = list;
            foreach (var child in list.Where(c => c.Collapsed == 0 && c.Children.Count > 0))
                queue.Enqueue(child, -child.Size);
        }
        return Rebuild(root, kept);
    }

    private static FileTreeNode Rebuild(FileTreeNode node, Dictionary<FileTreeNode, List<FileTreeNode>> kept) =>
        node with { Children = kept.TryGetValue(node, out var children) ? children.Select(c => Rebuild(c, kept)).ToList() : [] };
}
