namespace Distill.Oci;

/// <summary>
/// The members of a tar archive, indexed once by name to (offset, size) so that each can be opened in place
/// without extracting the archive.
/// </summary>
internal sealed class ArchiveLayoutFiles : ILayoutFiles
{
    private readonly string _file;
    private readonly Dictionary<string, (long Offset, long Size)> _members = new(StringComparer.Ordinal);

    private ArchiveLayoutFiles(string file) => _file = file;

    public static async Task<ArchiveLayoutFiles> OpenAsync(string file, CancellationToken ct)
    {
        if (!File.Exists(file))
            throw new InvalidImageException($"{file}: no such file");
        var archive = new ArchiveLayoutFiles(file);
        await using var stream = BlobFiles.OpenRead(file);
        using var reader = new TarStreamReader(stream, file, leaveOpen: true);
        while (await reader.ReadNextAsync(ct) is { } entry)
        {
            var name = TarEntryHeader.CleanName(entry.Name);
            if (entry.Kind == TarEntryKind.File)
                archive._members[name] = (reader.DataOffset, entry.Size);
            else if (entry.Kind == TarEntryKind.Hardlink && archive._members.TryGetValue(TarEntryHeader.CleanName(entry.LinkName), out var target))
                archive._members[name] = target;
        }
        return archive;
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
