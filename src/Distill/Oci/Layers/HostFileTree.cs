namespace Distill.Oci;

/// <summary>
/// Turns a host directory into layer entries: paths under a target directory in the image, sorted, owned by
/// the given uid/gid, with one mtime for all, hard links kept as links, symlinks as they are, and only
/// <c>security.capability</c> among xattrs (others, such as SELinux labels, differ from host to host).
/// </summary>
public static class HostFileTree
{
    /// <summary>Scans <paramref name="root"/>; entries are named under <paramref name="targetDir"/> (an absolute image path).</summary>
    public static IReadOnlyList<FileTreeEntry> Scan(string root, string targetDir, FileTreeOptions options)
    {
        root = Path.GetFullPath(root);
        if (!Directory.Exists(root))
            throw new InvalidImageException($"{root}: no such directory");
        var prefix = TarEntryHeader.CleanName(targetDir);
        var entries = new List<FileTreeEntry>();
        // the target directory and its parents exist in the image as directories
        var parts = prefix.Length == 0 ? [] : prefix.Split('/');
        for (var i = 1; i <= parts.Length; i++)
            entries.Add(new FileTreeEntry(DirectoryEntry(string.Join('/', parts[..i]), 0x1ed, options), null));
        var firstByInode = new Dictionary<(ulong, ulong), string>();
        Walk(root, root, prefix, options, entries, firstByInode);
        entries.Sort((a, b) => string.CompareOrdinal(a.Header.Name, b.Header.Name));
        return entries;
    }

    private static void Walk(string root, string dir, string prefix, FileTreeOptions options, List<FileTreeEntry> entries,
        Dictionary<(ulong, ulong), string> firstByInode)
    {
        var names = Directory.EnumerateFileSystemEntries(dir).Order(StringComparer.Ordinal).ToList();
        foreach (var path in names)
        {
            var relative = Path.GetRelativePath(root, path).Replace('\\', '/');
            var name = prefix.Length == 0 ? relative : prefix + "/" + relative;
            var stat = HostFileStat.Get(path);
            var header = new TarEntryHeader
            {
                Name = name,
                Kind = TarEntryKind.File,
                Mode = stat.Permissions,
                Uid = options.Uid,
                Gid = options.Gid,
                ModTime = options.ModTime,
            };
            switch (stat.FileType)
            {
                case HostFileStat.Directory:
                    entries.Add(new FileTreeEntry(header with { Kind = TarEntryKind.Directory }, null));
                    Walk(root, path, prefix, options, entries, firstByInode);
                    break;
                case HostFileStat.Regular when stat.LinkCount > 1 && firstByInode.TryGetValue((stat.Device, stat.Inode), out var first):
                    entries.Add(new FileTreeEntry(header with { Kind = TarEntryKind.Hardlink, LinkName = first }, null));
                    break;
                default:
                    if (stat.FileType == HostFileStat.Regular && stat.LinkCount > 1)
                        firstByInode[(stat.Device, stat.Inode)] = name;
                    if (EntryOf(path, stat, stat.FileType == HostFileStat.Symlink ? header with { Mode = 0x1ff } : header) is { } entry)
                        entries.Add(entry);
                    break;
            }
        }
    }

    /// <summary>
    /// The entry of a non-directory as it is on the host, under <paramref name="header"/>'s name, mode, owner and time:
    /// a symlink with its target, a regular file with its size and <c>security.capability</c>, a device, a fifo; null
    /// for a socket (sockets do not belong in images).
    /// </summary>
    internal static FileTreeEntry? EntryOf(string path, HostFileStat stat, TarEntryHeader header)
    {
        switch (stat.FileType)
        {
            case HostFileStat.Symlink:
                return new FileTreeEntry(header with { Kind = TarEntryKind.Symlink, LinkName = new FileInfo(path).LinkTarget ?? "" }, null);
            case HostFileStat.Regular:
                var capability = HostFileStat.GetXattr(path, "security.capability");
                return new FileTreeEntry(header with
                {
                    Kind = TarEntryKind.File,
                    Size = stat.Size,
                    Xattrs = capability is null ? null : new Dictionary<string, byte[]> { ["security.capability"] = capability },
                }, path);
            case HostFileStat.Char or HostFileStat.Block:
                return new FileTreeEntry(header with
                {
                    Kind = stat.FileType == HostFileStat.Char ? TarEntryKind.CharDevice : TarEntryKind.BlockDevice,
                    DevMajor = stat.DevMajor,
                    DevMinor = stat.DevMinor,
                }, null);
            case HostFileStat.Fifo:
                return new FileTreeEntry(header with { Kind = TarEntryKind.Fifo }, null);
            default:
                return null;
        }
    }

    private static TarEntryHeader DirectoryEntry(string name, int mode, FileTreeOptions options) => new()
    {
        Name = name,
        Kind = TarEntryKind.Directory,
        Mode = mode,
        Uid = options.Uid,
        Gid = options.Gid,
        ModTime = options.ModTime,
    };
}

/// <summary>Ownership and time given to every entry of a scanned tree.</summary>
public sealed record FileTreeOptions
{
    public int Uid { get; init; }
    public int Gid { get; init; }
    /// <summary>Unix seconds; see <see cref="Reproducible.ModTime"/>.</summary>
    public long ModTime { get; init; }
}
