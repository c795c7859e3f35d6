using Distill.Oci;

namespace Distill.Build;

/// <summary>
/// Turns an overlayfs upper directory into layer entries: whiteouts (character devices 0/0) become <c>.wh.NAME</c>,
/// opaque directories (<c>trusted.overlay.opaque=y</c>) get <c>.wh..wh..opq</c>, everything else is kept with its real
/// owner and mode; hard links inside the layer stay links; mtimes are clamped to <see cref="Reproducible.ModTime"/> so
/// the layer's digest depends on content only.
/// </summary>
internal static class UpperDirDiff
{
    public static IReadOnlyList<FileTreeEntry> Scan(string upper)
    {
        var entries = new List<FileTreeEntry>();
        var firstByInode = new Dictionary<(ulong, ulong), string>();
        Walk(upper, "", entries, firstByInode, Reproducible.SourceDateEpoch);
        entries.Sort((a, b) => string.CompareOrdinal(a.Header.Name, b.Header.Name));
        return entries;
    }

    /// <summary>
    /// Removes directories that overlayfs copied up without a change that stays: empty in the upper directory, not
    /// opaque, and with the same mode and owner as in the layers below (e.g. <c>/etc</c> after a mount point for
    /// <c>/etc/resolv.conf</c> came and went). Deepest first, so a chain of such directories goes entirely.
    /// </summary>
    public static void PruneUnchangedDirectories(string upper, IReadOnlyList<string> lowers)
    {
        foreach (var dir in Directory.EnumerateDirectories(upper))
            Prune(upper, dir, lowers);
    }

    private static void Prune(string upper, string dir, IReadOnlyList<string> lowers)
    {
        foreach (var child in Directory.EnumerateDirectories(dir))
        {
            if (new FileInfo(child).LinkTarget is null)
                Prune(upper, child, lowers);
        }
        if (Directory.EnumerateFileSystemEntries(dir).Any() || HostFileStat.GetXattr(dir, "trusted.overlay.opaque") is not null)
            return;
        var relative = Path.GetRelativePath(upper, dir);
        var stat = HostFileStat.Get(dir);
        for (var i = lowers.Count - 1; i >= 0; i--)
        {
            var below = Path.Combine(lowers[i], relative);
            if (!Path.Exists(below) && new FileInfo(below).LinkTarget is null)
                continue;
            var lower = HostFileStat.Get(below);
            if (lower.FileType == HostFileStat.Directory && lower.Mode == stat.Mode && lower.Uid == stat.Uid && lower.Gid == stat.Gid)
                Directory.Delete(dir);
            return;
        }
    }

    /// <summary>True when the upper directory holds nothing (the step changed no file).</summary>
    public static bool IsEmpty(string upper) => !Directory.EnumerateFileSystemEntries(upper).Any();

    private static void Walk(string dir, string prefix, List<FileTreeEntry> entries, Dictionary<(ulong, ulong), string> firstByInode, long? epoch)
    {
        foreach (var path in Directory.EnumerateFileSystemEntries(dir).Order(StringComparer.Ordinal))
        {
            var baseName = Path.GetFileName(path);
            var name = prefix.Length == 0 ? baseName : prefix + "/" + baseName;
            var stat = HostFileStat.Get(path);
            var header = new TarEntryHeader
            {
                Name = name,
                Kind = TarEntryKind.File,
                Mode = stat.Permissions,
                Uid = stat.Uid,
                Gid = stat.Gid,
                ModTime = epoch is { } e ? Math.Min(stat.ModTime, e) : 0,
            };
            var whiteout = stat.FileType == HostFileStat.Char && stat.DevMajor == 0 && stat.DevMinor == 0;
            // as BuildKit's tar writer: any non-directory with more than one link (a symlink, a fifo, a device as well
            // as a file) is written once, then as hard links to that first name
            if (stat.LinkCount > 1 && !whiteout && stat.FileType is HostFileStat.Regular or HostFileStat.Symlink or HostFileStat.Char
                    or HostFileStat.Block or HostFileStat.Fifo)
            {
                if (firstByInode.TryGetValue((stat.Device, stat.Inode), out var first))
                {
                    entries.Add(new FileTreeEntry(header with { Kind = TarEntryKind.Hardlink, LinkName = first }, null));
                    continue;
                }
                firstByInode[(stat.Device, stat.Inode)] = name;
            }
            switch (stat.FileType)
            {
                case HostFileStat.Char when whiteout:
                    var parent = prefix.Length == 0 ? "" : prefix + "/";
                    entries.Add(new FileTreeEntry(new TarEntryHeader { Name = parent + ImageFilesystem.WhiteoutPrefix + baseName, Kind = TarEntryKind.File, ModTime = header.ModTime }, null));
                    break;
                case HostFileStat.Directory:
                    entries.Add(new FileTreeEntry(header with { Kind = TarEntryKind.Directory }, null));
                    if (HostFileStat.GetXattr(path, "trusted.overlay.opaque") is [(byte)'y'])
                        entries.Add(new FileTreeEntry(new TarEntryHeader { Name = name + "/" + ImageFilesystem.OpaqueMarker, Kind = TarEntryKind.File, ModTime = header.ModTime }, null));
                    Walk(path, name, entries, firstByInode, epoch);
                    break;
                default:
                    if (HostFileTree.EntryOf(path, stat, header) is { } entry)
                        entries.Add(entry);
                    break;
            }
        }
    }
}
