namespace Distill.Oci;

/// <summary>
/// The filesystem an image's layers give once whiteouts are applied
/// (<see href="https://github.com/opencontainers/image-spec/blob/main/layer.md#whiteouts">layer.md#whiteouts</see>):
/// <c>.wh.NAME</c> hides NAME from lower layers, <c>.wh..wh..opq</c> hides all of a directory's lower content.
/// Layers are read top first, one entry at a time; only paths are kept in memory, never file contents.
/// </summary>
public static class ImageFilesystem
{
    public const string WhiteoutPrefix = ".wh.";
    public const string OpaqueMarker = ".wh..wh..opq";

    /// <summary>
    /// Calls <paramref name="visit"/> for each entry of the final filesystem (top layer first, in layer order within a
    /// layer) with its layer index and, for regular files, a stream of its bytes valid during the call.
    /// </summary>
    public static async Task WalkAsync(IImage image, Func<FilesystemEntry, Stream?, CancellationToken, ValueTask> visit, CancellationToken ct)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var nonDirectories = new HashSet<string>(StringComparer.Ordinal);
        var hidden = new HashSet<string>(StringComparer.Ordinal); // whited out by an upper layer
        var opaque = new HashSet<string>(StringComparer.Ordinal); // lower content hidden by an upper layer
        for (var i = image.Layers.Count - 1; i >= 0; i--)
        {
            var layer = image.Layers[i];
            var newHidden = new List<string>();
            var newOpaque = new List<string>();
            await using var stream = await layer.OpenUncompressedAsync(ct);
            using var reader = new TarStreamReader(stream, $"layer {layer.Descriptor.Digest}", leaveOpen: true);
            while (await reader.ReadNextAsync(ct) is { } header)
            {
                var path = TarEntryHeader.CleanName(header.Name);
                if (path.Length == 0 || path.Split('/').Contains(".."))
                    continue;
                var slash = path.LastIndexOf('/');
                var dir = slash < 0 ? "" : path[..slash];
                var name = path[(slash + 1)..];
                if (name == OpaqueMarker)
                {
                    newOpaque.Add(dir);
                    continue;
                }
                if (name.StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
                {
                    newHidden.Add(dir.Length == 0 ? name[WhiteoutPrefix.Length..] : $"{dir}/{name[WhiteoutPrefix.Length..]}");
                    continue;
                }
                if (seen.Contains(path) || IsHidden(path, hidden, opaque, nonDirectories))
                    continue;
                seen.Add(path);
                if (header.Kind != TarEntryKind.Directory)
                    nonDirectories.Add(path);
                var entry = new FilesystemEntry(header with { Name = path }, i) { DataOffset = reader.DataOffset };
                await visit(entry, header.Kind == TarEntryKind.File ? reader.OpenData() : null, ct);
            }
            // the end blocks and padding after the last entry too: a verifying source checks the digest at its last byte
            await stream.CopyToAsync(Stream.Null, ct);
            hidden.UnionWith(newHidden);
            opaque.UnionWith(newOpaque);
        }
    }

    /// <summary>True when an upper layer removed the path or replaced one of its parents.</summary>
    private static bool IsHidden(string path, HashSet<string> hidden, HashSet<string> opaque, HashSet<string> nonDirectories)
    {
        if (hidden.Contains(path))
            return true;
        for (var slash = path.LastIndexOf('/'); slash > 0; slash = path.LastIndexOf('/', slash - 1))
        {
            var parent = path[..slash];
            if (hidden.Contains(parent) || opaque.Contains(parent) || nonDirectories.Contains(parent))
                return true;
        }
        return opaque.Contains("");
    }
}

/// <summary>An entry of an image's final filesystem and the layer (index, bottom = 0) it comes from.</summary>
public sealed record FilesystemEntry(TarEntryHeader Header, int LayerIndex)
{
    /// <summary>Where the entry's data starts in the layer's uncompressed tar, so a file can be read again later without its neighbours.</summary>
    public long DataOffset { get; init; }
}
