namespace Distill.Build;

/// <summary>
/// Materialises the merged view of overlay-style snapshot trees (bottom first) into a plain directory, as overlayfs
/// would show it: the topmost tree that has a name decides what it is; a character device 0/0 (whiteout) hides the
/// name below; a directory marked <c>trusted.overlay.opaque=y</c> hides the content of the same directory below;
/// directories merge. Each entry is written once, from the tree that wins it.
/// </summary>
internal static class TreeMerger
{
    /// <summary>
    /// Copies the merged view into <paramref name="target"/> (created) and returns its index. Hard links between
    /// lower files are not kept: overlayfs breaks them on the first write too, so a step changes one name at a time.
    /// </summary>
    public static TreeNode Copy(IReadOnlyList<string> lowers, string target) => Merge(lowers, target, link: false)!;

    /// <summary>
    /// The merged view with files hard-linked to the snapshot trees (directories, symlinks and devices are new): for
    /// read-only views only, where nothing writes a file. Falls back to copying a file the kernel will not link.
    /// </summary>
    public static void Link(IReadOnlyList<string> lowers, string target) => Merge(lowers, target, link: true);

    private static TreeNode? Merge(IReadOnlyList<string> lowers, string target, bool link)
    {
        var sources = lowers.Reverse().ToList();
        if (sources.Count == 0)
        {
            Directory.CreateDirectory(target);
            return link ? null : new TreeNode(TreeStat.Get(target)) { Children = [] };
        }
        var rootStat = TreeStat.Get(sources[0]);
        TreeEntryCopy.CreateDirectory(sources[0], target, rootStat);
        var cut = sources.FindIndex(TreeNative.IsOpaque);
        return MergeDirectory(cut < 0 ? sources : sources[..(cut + 1)], target, rootStat, link);
    }

    /// <summary>Fills <paramref name="target"/> (already created) from <paramref name="sources"/>, top first, all directories.</summary>
    private static TreeNode? MergeDirectory(List<string> sources, string target, TreeStat stat, bool link)
    {
        var decided = new SortedDictionary<string, (int Source, TreeStat Stat)>(StringComparer.Ordinal);
        var hidden = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < sources.Count; i++)
        {
            foreach (var name in TreeEntryCopy.Names(sources[i]))
            {
                if (decided.ContainsKey(name) || hidden.Contains(name))
                    continue;
                var entry = TreeStat.Get(Path.Combine(sources[i], name));
                if (entry.IsWhiteout)
                    hidden.Add(name);
                else
                    decided[name] = (i, entry);
            }
        }
        var children = link ? null : new Dictionary<string, TreeNode>(decided.Count, StringComparer.Ordinal);
        foreach (var (name, (index, entry)) in decided)
        {
            var from = Path.Combine(sources[index], name);
            var to = Path.Combine(target, name);
            if (entry.IsDirectory)
            {
                TreeEntryCopy.CreateDirectory(from, to, entry);
                var node = MergeDirectory(Below(sources, index, name), to, entry, link);
                if (node is not null)
                    children![name] = node;
                continue;
            }
            if (link && entry.FileType == TreeStat.Regular && TreeNative.TryLink(from, to))
                continue;
            if (TreeEntryCopy.Copy(from, to, entry) && children is not null)
                children[name] = new TreeNode(TreeStat.Get(to));
        }
        TreeNative.SetModTime(target, stat.ModTimeNs);
        return link ? null : new TreeNode(TreeStat.Get(target)) { Children = children };
    }

    /// <summary>The trees that contribute to directory <paramref name="name"/> won at <paramref name="top"/>: down to an opaque one, a non-directory or a whiteout.</summary>
    private static List<string> Below(List<string> sources, int top, string name)
    {
        var result = new List<string> { Path.Combine(sources[top], name) };
        if (TreeNative.IsOpaque(result[0]))
            return result;
        for (var i = top + 1; i < sources.Count; i++)
        {
            var path = Path.Combine(sources[i], name);
            if (TreeStat.TryGet(path) is not { } below)
                continue;
            if (!below.IsDirectory)
                break;
            result.Add(path);
            if (TreeNative.IsOpaque(path))
                break;
        }
        return result;
    }
}
