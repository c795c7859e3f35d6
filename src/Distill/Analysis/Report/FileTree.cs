using Distill.Oci;

namespace Distill.Analysis.Report;

/// <summary>
/// The final filesystem of an image (whiteouts applied) as a tree of sizes, from the tar headers only, then cut down to
/// the largest nodes so a 1 GB image with 100 000 files still draws as a few hundred rectangles.
/// </summary>
public static class FileTree
{
    /// <summary>Reads the merged filesystem of <paramref name="image"/> (one pass over its layers) into a tree rooted at <c>/</c>.</summary>
    public static async Task<FileTreeNode> ReadAsync(IImage image, CancellationToken ct)
    {
        var root = new Builder("/", "/", isDirectory: true);
        await ImageFilesystem.WalkAsync(image, (entry, _, _) =>
        {
            var header = entry.Header;
            root.Add(header.Name.Split('/'), header.Kind == TarEntryKind.Directory, header.Kind == TarEntryKind.File ? header.Size : 0);
            return ValueTask.CompletedTask;
        }, ct);
        return root.Freeze();
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

    /// <summary>Mutable while the walk runs; frozen into records after.</summary>
    private sealed class Builder(string name, string path, bool isDirectory)
    {
        private readonly Dictionary<string, Builder> _children = new(StringComparer.Ordinal);
        private long _size;
        private long _files;
        private bool _isDirectory = isDirectory;

        public void Add(string[] parts, bool isDirectory, long size)
        {
            var file = isDirectory ? 0 : 1;
            var node = this;
            node._size += size;
            node._files += file;
            for (var i = 0; i < parts.Length; i++)
            {
                var last = i == parts.Length - 1;
                if (!node._children.TryGetValue(parts[i], out var child))
                {
                    child = new Builder(parts[i], (node.Path == "/" ? "/" : node.Path + "/") + parts[i], isDirectory: !last);
                    node._children[parts[i]] = child;
                }
                node = child;
                node._size += size;
                node._files += file;
            }
            // a directory may have been implied by a child before its own entry
            node._isDirectory |= isDirectory;
        }

        public string Path { get; } = path;

        public FileTreeNode Freeze() => new(name, Path, _size, _isDirectory, _files,
            _children.Values.Select(c => c.Freeze()).OrderByDescending(c => c.Size).ThenBy(c => c.Name, StringComparer.Ordinal).ToList());
    }
}
