namespace Distill.Build;

/// <summary>
/// Compares a root filesystem after a step with the <see cref="TreeNode"/> index taken before it and writes what
/// overlayfs would have put in its upper directory: created and changed entries (copied whole), deleted names as
/// character devices 0/0, a directory that replaced a lower entry (or a lower directory removed and made again) marked
/// <c>trusted.overlay.opaque=y</c>, and the directories above a change with their metadata. An entry counts as changed
/// when the kernel's change time moved (as any write, chmod, chown, utimes or link does; overlayfs copies such an entry
/// up). The root filesystem is left as it is, and the index is brought up to date so the tree can serve the next step.
/// </summary>
internal sealed class TreeDiff
{
    private readonly Dictionary<ulong, string> _upperByInode = [];
    private readonly List<(TreeNode Node, string Path)> _linked = [];

    /// <summary>True when something was written that <see cref="UpperDirDiff.PruneUnchangedDirectories"/> keeps.</summary>
    public bool HasChanges { get; private set; }

    /// <summary>Writes the changes into <paramref name="upper"/> (an existing, empty directory) and returns the index of the tree as it is now.</summary>
    public TreeNode Write(string rootfs, TreeNode index, string upper)
    {
        var root = new Frame(rootfs, upper, TreeStat.Get(rootfs), null) { Created = true };
        var result = DiffDirectory(root, index);
        foreach (var (node, path) in _linked)
            node.Stat = TreeStat.Get(path); // their link count went down when the other names got their own copies
        return result;
    }

    private TreeNode DiffDirectory(Frame frame, TreeNode before)
    {
        var names = TreeEntryCopy.Names(frame.Rootfs);
        var old = before.Children ?? [];
        var current = new HashSet<string>(names, StringComparer.Ordinal);
        foreach (var gone in old.Keys.Where(n => !current.Contains(n)).Order(StringComparer.Ordinal))
        {
            EnsureCreated(frame);
            TreeNative.Whiteout(Path.Combine(frame.Upper, gone));
            HasChanges = true;
        }
        var children = new Dictionary<string, TreeNode>(names.Count, StringComparer.Ordinal);
        foreach (var name in names)
        {
            var path = Path.Combine(frame.Rootfs, name);
            var stat = TreeStat.Get(path);
            if (!old.TryGetValue(name, out var was))
            {
                children[name] = CopyUp(frame, name, stat, opaque: false);
            }
            else if (!stat.SameObject(was.Stat))
            {
                // made anew over a lower entry: a directory there must hide whatever the lower one held
                children[name] = CopyUp(frame, name, stat, opaque: stat.IsDirectory);
            }
            else if (stat.IsDirectory)
            {
                var child = new Frame(path, Path.Combine(frame.Upper, name), stat, frame);
                if (!stat.SameState(was.Stat))
                {
                    EnsureCreated(child);
                    if ((stat.Mode, stat.Uid, stat.Gid) != (was.Stat.Mode, was.Stat.Uid, was.Stat.Gid))
                        HasChanges = true;
                }
                children[name] = DiffDirectory(child, was);
            }
            else
            {
                children[name] = stat.SameState(was.Stat) ? was : CopyUp(frame, name, stat, opaque: false);
            }
        }
        if (frame.Created)
            TreeNative.SetModTime(frame.Upper, frame.Stat.ModTimeNs);
        if (frame.LinksBroken)
            TreeNative.SetModTime(frame.Rootfs, frame.Stat.ModTimeNs);
        return new TreeNode(TreeStat.Get(frame.Rootfs)) { Children = children };
    }

    /// <summary>Copies an entry (a directory with all it holds) into the upper directory; returns its index.</summary>
    private TreeNode CopyUp(Frame parent, string name, TreeStat stat, bool opaque)
    {
        EnsureCreated(parent);
        HasChanges = true;
        var source = Path.Combine(parent.Rootfs, name);
        var target = Path.Combine(parent.Upper, name);
        if (!stat.IsDirectory)
            return CopyFile(parent, name, stat);
        TreeEntryCopy.CreateDirectory(source, target, stat);
        if (opaque)
            TreeNative.MarkOpaque(target);
        var frame = new Frame(source, target, stat, parent) { Created = true };
        var children = new Dictionary<string, TreeNode>(StringComparer.Ordinal);
        foreach (var child in TreeEntryCopy.Names(source))
            children[child] = CopyUp(frame, child, TreeStat.Get(Path.Combine(source, child)), opaque: false);
        TreeNative.SetModTime(target, stat.ModTimeNs);
        if (frame.LinksBroken)
            TreeNative.SetModTime(source, stat.ModTimeNs);
        return new TreeNode(TreeStat.Get(source)) { Children = children };
    }

    /// <summary>
    /// A changed or new non-directory. Hard links made by the step stay links in the upper directory; in the root
    /// filesystem the second and later names get their own copy, as overlayfs would show them to the next step.
    /// </summary>
    private TreeNode CopyFile(Frame parent, string name, TreeStat stat)
    {
        var source = Path.Combine(parent.Rootfs, name);
        var target = Path.Combine(parent.Upper, name);
        if (stat.LinkCount < 2) // any non-directory may be hard-linked (symlinks, fifos, devices too), as overlayfs keeps them
        {
            TreeEntryCopy.Copy(source, target, stat);
            return new TreeNode(stat);
        }
        if (_upperByInode.TryGetValue(stat.Inode, out var first))
        {
            if (!TreeNative.TryLink(first, target))
                TreeEntryCopy.Copy(source, target, stat);
            var own = source + ".distill-unlink";
            TreeEntryCopy.Copy(source, own, stat);
            File.Move(own, source, overwrite: true);
            parent.LinksBroken = true;
            return new TreeNode(TreeStat.Get(source));
        }
        TreeEntryCopy.Copy(source, target, stat);
        _upperByInode[stat.Inode] = target;
        var node = new TreeNode(stat);
        _linked.Add((node, source));
        return node;
    }

    private static void EnsureCreated(Frame frame)
    {
        if (frame.Created)
            return;
        EnsureCreated(frame.Parent!);
        TreeEntryCopy.CreateDirectory(frame.Rootfs, frame.Upper, frame.Stat);
        frame.Created = true;
    }

    /// <summary>A directory being compared: where it is in the root filesystem and in the upper directory, and its stat before anything was written.</summary>
    private sealed class Frame(string rootfs, string upper, TreeStat stat, Frame? parent)
    {
        public string Rootfs { get; } = rootfs;
        public string Upper { get; } = upper;
        public TreeStat Stat { get; } = stat;
        public Frame? Parent { get; } = parent;
        public bool Created { get; set; }
        public bool LinksBroken { get; set; }
    }
}
