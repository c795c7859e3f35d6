namespace Distill.Oci;

/// <summary>
/// The members of a tar archive, indexed once by name to (offset, size) so that each can be opened in place
/// without extracting the archive. Hard links and symlinks to files inside the archive name their target's data:
/// <c>docker save</c> and <c>podman save</c> write a layer shared by several images once, and the other
/// <c>ID/layer.tar</c> as a symlink to it.
/// </summary>
internal sealed class ArchiveLayoutFiles : ILayoutFiles
{
    private readonly string _file;
    private readonly Dictionary<string, (long Offset, long Size)> _members = new(StringComparer.Ordinal);

    private const int MaxSymlinkHops = 40;

    private ArchiveLayoutFiles(string file) => _file = file;

    public static async Task<ArchiveLayoutFiles> OpenAsync(string file, CancellationToken ct)
    {
        if (!File.Exists(file))
            throw new InvalidImageException($"{file}: no such file");
        var archive = new ArchiveLayoutFiles(file);
        await using var stream = BlobFiles.OpenRead(file);
        using var reader = new TarStreamReader(stream, file, leaveOpen: true);
        var symlinks = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadNextAsync(ct) is { } entry)
        {
            var name = TarEntryHeader.CleanName(entry.Name);
            symlinks.Remove(name);
            if (entry.Kind == TarEntryKind.File)
                archive._members[name] = (reader.DataOffset, entry.Size);
            else if (entry.Kind == TarEntryKind.Hardlink && archive._members.TryGetValue(TarEntryHeader.CleanName(entry.LinkName), out var target))
                archive._members[name] = target;
            else if (entry.Kind == TarEntryKind.Symlink)
            {
                archive._members.Remove(name);
                symlinks[name] = entry.LinkName;
            }
            else
                archive._members.Remove(name);
        }
        foreach (var name in symlinks.Keys)
        {
            if (archive.ResolveSymlink(name, symlinks) is { } member)
                archive._members[name] = member;
        }
        return archive;
    }

    /// <summary>
    /// The file a symlink leads to, following further symlinks, with targets taken relative to the link's directory
    /// (absolute ones to the archive's root); null when it leads outside the archive, nowhere, or round in a loop.
    /// </summary>
    private (long Offset, long Size)? ResolveSymlink(string name, Dictionary<string, string> symlinks)
    {
        var current = name;
        for (var hop = 0; hop < MaxSymlinkHops; hop++)
        {
            if (!symlinks.TryGetValue(current, out var target))
                return _members.TryGetValue(current, out var member) ? member : null;
            var directory = target.StartsWith('/') ? "" : Path.GetDirectoryName(current.AsSpan()).ToString();
            if (Join(directory, target) is not { } next)
                return null;
            current = next;
        }
        return null;
    }

    private static string? Join(string directory, string target)
    {
        var parts = new List<string>(directory.Split('/', StringSplitOptions.RemoveEmptyEntries));
        foreach (var part in target.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
                continue;
            if (part == "..")
            {
                if (parts.Count == 0)
                    return null;
                parts.RemoveAt(parts.Count - 1);
            }
            else
            {
                parts.Add(part);
            }
        }
        return string.Join('/', parts);
    }

    public IEnumerable<string> Names => _members.Keys;
    public string Describe(string relative) => $"{_file}:{relative}";
    public bool Exists(string relative) => _members.ContainsKey(relative);
    public long SizeOf(string relative) => _members[relative].Size;

    public Stream Open(string relative)
    {
        var (offset, size) = _members[relative];
        return new SubStream(BlobFiles.OpenRead(_file), offset, size);
    }
}
