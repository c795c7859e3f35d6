using Distill.Oci;

namespace Distill.Analysis;

/// <summary>
/// An image's final filesystem as an index (path → entry, layer, data offset) built from the layers' tar headers in
/// one pass (<see cref="ImageFilesystem.WalkAsync"/>, whiteouts applied). File contents are not kept, except the
/// small files a caller asks for up front; others are read later, layer by layer, skipping to their offsets.
/// </summary>
public sealed class ImageRootFilesystem : IRootFilesystem
{
    private readonly IImage _image;
    private readonly Dictionary<string, Node> _entries;
    private readonly Dictionary<string, List<string>> _children;
    private readonly Dictionary<string, byte[]> _prefetched;
    private readonly string? _description;
    private readonly Dictionary<string, ElfFile?> _parsed;

    private ImageRootFilesystem(IImage image, Dictionary<string, Node> entries, Dictionary<string, List<string>> children, Dictionary<string, byte[]> prefetched,
        Dictionary<string, ElfFile?> parsed, string? description)
    {
        _description = description;
        _image = image;
        _entries = entries;
        _children = children;
        _prefetched = prefetched;
        _parsed = parsed;
    }

    public string Description => _description ?? $"image {_image.ManifestDescriptor.Digest}";

    public int Count => _entries.Count;

    /// <summary>
    /// Indexes the image; files for which <paramref name="prefetch"/> says yes (and of at most <paramref name="prefetchLimit"/>
    /// bytes) are read during the same pass (configuration such as <c>/etc/ld.so.cache</c> or <c>/etc/passwd</c>).
    /// <paramref name="description"/> names the image in messages (its reference), else its digest does.
    /// </summary>
    public static Task<ImageRootFilesystem> CreateAsync(IImage image, Func<string, bool>? prefetch, long prefetchLimit, CancellationToken ct,
        string? description = null) =>
        CreateAsync(image, new ImagePrefetch { Keep = prefetch is null ? null : (path, size) => size <= prefetchLimit && prefetch(path) }, ct, description);

    /// <summary>
    /// Indexes the image, keeping the files <see cref="ImagePrefetch.Keep"/> names and the loader view of those
    /// <see cref="ImagePrefetch.ParseElf"/> names, all in the same pass (their bytes are decompressed anyway).
    /// </summary>
    public static async Task<ImageRootFilesystem> CreateAsync(IImage image, ImagePrefetch prefetch, CancellationToken ct, string? description = null)
    {
        var parsed = new Dictionary<string, ElfFile?>(StringComparer.Ordinal);
        var entries = new Dictionary<string, Node>(StringComparer.Ordinal);
        var children = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var prefetched = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await ImageFilesystem.WalkAsync(image, async (entry, data, token) =>
        {
            var header = entry.Header;
            var path = "/" + header.Name;
            AddParents(path, entries, children);
            var existing = entries.GetValueOrDefault(path);
            if (existing is null)
                children[RootPath.Parent(path)].Add(path[(path.LastIndexOf('/') + 1)..]);
            entries[path] = new Node(
                new RootEntry(path, header.Kind, header.Mode, header.Uid, header.Gid, header.Size, header.Kind == TarEntryKind.Hardlink ? "/" + TarEntryHeader.CleanName(header.LinkName) : header.LinkName),
                entry.LayerIndex, entry.DataOffset);
            if (data is null)
                return;
            if (prefetch.Keep?.Invoke(path, header.Size) == true)
            {
                var bytes = new byte[header.Size];
                await data.ReadExactlyAsync(bytes, token);
                prefetched[path] = bytes;
            }
            else if (header.Size <= LibraryResolver.ElfLimit && prefetch.ParseElf?.Invoke(path, header.Size) == true)
            {
                var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent((int)header.Size);
                try
                {
                    await data.ReadExactlyAsync(buffer.AsMemory(0, (int)header.Size), token);
                    parsed[path] = ElfReader.Read(buffer.AsSpan(0, (int)header.Size));
                }
                finally
                {
                    System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }, ct);
        return new ImageRootFilesystem(image, entries, children, prefetched, parsed, description);
    }

    public RootEntry? Lstat(string path)
    {
        if (path == "/")
            return RootEntry.Directory("/");
        if (!_entries.TryGetValue(path, out var node))
            return null;
        if (node.Entry.Kind != TarEntryKind.Hardlink)
            return node.Entry;
        // a hard link is the file it links to, under its own name
        return _entries.TryGetValue(node.Entry.LinkTarget, out var target) && target.Entry.Kind == TarEntryKind.File
            ? node.Entry with { Kind = TarEntryKind.File, Size = target.Entry.Size, LinkTarget = "" }
            : null;
    }

    public IReadOnlyList<string> List(string directory) =>
        _children.TryGetValue(directory, out var names) ? names : [];

    public async ValueTask<IReadOnlyDictionary<string, byte[]>> ReadFilesAsync(IReadOnlyCollection<string> paths, long limit, CancellationToken ct)
    {
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var wanted = new List<(string Path, Node Data)>();
        foreach (var path in paths.Distinct(StringComparer.Ordinal))
        {
            if (_prefetched.TryGetValue(path, out var cached))
            {
                result[path] = cached;
                continue;
            }
            if (DataNode(path) is { } node && node.Entry.Size <= limit)
                wanted.Add((path, node));
        }
        foreach (var layer in wanted.GroupBy(w => w.Data.Layer))
        {
            await using var stream = await _image.Layers[layer.Key].OpenUncompressedAsync(ct);
            long position = 0;
            foreach (var (path, node) in layer.OrderBy(w => w.Data.Offset))
            {
                if (node.Offset < position)
                {
                    // two names for the same data (hard links): already read
                    result[path] = result.First(r => DataNode(r.Key) is { } n && n.Layer == node.Layer && n.Offset == node.Offset).Value;
                    continue;
                }
                await SkipAsync(stream, node.Offset - position, ct);
                var bytes = new byte[node.Entry.Size];
                await stream.ReadExactlyAsync(bytes, ct);
                position = node.Offset + bytes.Length;
                result[path] = bytes;
            }
        }
        return result;
    }

    public async ValueTask<IReadOnlyDictionary<string, ElfFile?>> ReadElfFilesAsync(IReadOnlyCollection<string> paths, CancellationToken ct)
    {
        var result = new Dictionary<string, ElfFile?>(StringComparer.Ordinal);
        var unread = new List<string>();
        foreach (var path in paths.Distinct(StringComparer.Ordinal))
        {
            // a hard link shares its target's data, and so its loader view
            if (DataNode(path) is { } node && _parsed.TryGetValue(node.Entry.Path, out var elf))
                result[path] = elf;
            else
                unread.Add(path);
        }
        var bytes = await ReadFilesAsync(unread, LibraryResolver.ElfLimit, ct);
        foreach (var path in unread)
            result[path] = bytes.TryGetValue(path, out var data) ? ElfReader.Read(data) : null;
        return result;
    }

    /// <summary>The node holding a path's bytes: its own, or its hard link target's.</summary>
    private Node? DataNode(string path)
    {
        if (!_entries.TryGetValue(path, out var node))
            return null;
        if (node.Entry.Kind == TarEntryKind.Hardlink)
            return _entries.TryGetValue(node.Entry.LinkTarget, out var target) && target.Entry.Kind == TarEntryKind.File ? target : null;
        return node.Entry.Kind == TarEntryKind.File ? node : null;
    }

    private static async Task SkipAsync(Stream stream, long count, CancellationToken ct)
    {
        if (count <= 0)
            return;
        if (stream.CanSeek)
        {
            stream.Seek(count, SeekOrigin.Current);
            return;
        }
        var buffer = new byte[81920];
        while (count > 0)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), ct);
            if (read == 0)
                throw new InvalidImageException("layer ended before a file's data (truncated?)");
            count -= read;
        }
    }

    /// <summary>Tar archives may omit parent directories: they exist implicitly until a lower layer's entry says more.</summary>
    private static void AddParents(string path, Dictionary<string, Node> entries, Dictionary<string, List<string>> children)
    {
        children.TryAdd("/", []);
        var parent = RootPath.Parent(path);
        if (parent == "/" || entries.ContainsKey(parent))
        {
            children.TryAdd(parent, []);
            return;
        }
        AddParents(parent, entries, children);
        entries[parent] = new Node(RootEntry.Directory(parent), -1, 0);
        children[RootPath.Parent(parent)].Add(parent[(parent.LastIndexOf('/') + 1)..]);
        children.TryAdd(parent, []);
    }

    private sealed record Node(RootEntry Entry, int Layer, long Offset);
}
