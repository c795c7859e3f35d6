using Distill.Analysis.Inventory;
using Distill.Oci;

namespace Distill.Analysis.Inspect;

/// <summary>
/// Reads one layer's tar once, start to end, keeping each entry's metadata (whiteouts and opaque markers as such, not
/// applied) and reading only the few small files <see cref="SecretDetector"/> wants to see and what <see cref="PackageCollector"/>
/// wants (package databases; executables, scanned for Go build info as they stream past). Nothing touches the disk.
/// </summary>
internal static class LayerScanner
{
    public static async Task<LayerScan> ScanAsync(ILayer layer, int index, CancellationToken ct)
    {
        var what = $"layer {index} ({layer.Descriptor.Digest})";
        var counted = new CountingReadStream(await layer.OpenUncompressedAsync(ct));
        // tar headers are 512-byte reads: a buffer saves a decompressor call for each (disposing it disposes the rest)
        await using var buffered = new BufferedStream(counted, 1 << 16);
        using var reader = new TarStreamReader(buffered, what, leaveOpen: true);
        var entries = new List<LayerEntry>();
        var secrets = new List<SecretMatch>();
        var packages = new PackageCollector();
        long filesSize = 0;
        while (await reader.ReadNextAsync(ct) is { } header)
        {
            var path = TarEntryHeader.CleanName(header.Name);
            if (path.Length == 0 || EscapesRoot(path))
                continue;
            var slash = path.LastIndexOf('/');
            var dir = slash < 0 ? "" : path[..slash];
            var name = path[(slash + 1)..];
            if (name == ImageFilesystem.OpaqueMarker)
            {
                entries.Add(new LayerEntry(dir, LayerEntryRole.Opaque, header.Kind, 0, 0, 0, 0, ""));
                continue;
            }
            if (name.StartsWith(ImageFilesystem.WhiteoutPrefix, StringComparison.Ordinal))
            {
                var removed = name[ImageFilesystem.WhiteoutPrefix.Length..];
                entries.Add(new LayerEntry(dir.Length == 0 ? removed : $"{dir}/{removed}", LayerEntryRole.Whiteout, header.Kind, 0, 0, 0, 0, ""));
                continue;
            }
            var link = header.Kind == TarEntryKind.Hardlink ? TarEntryHeader.CleanName(header.LinkName) : header.LinkName;
            entries.Add(new LayerEntry(path, LayerEntryRole.Content, header.Kind, header.Mode, header.Uid, header.Gid, header.Size, link));
            if (header.Kind != TarEntryKind.File)
                continue;
            filesSize += header.Size;
            var detail = SecretDetector.MatchName(path);
            byte[]? bytes = null;
            if (detail is null && SecretDetector.WantsContent(path, header.Size))
            {
                bytes = new byte[header.Size];
                await reader.OpenData().ReadExactlyAsync(bytes, ct);
                detail = SecretDetector.MatchContent(path, bytes);
            }
            if (detail is not null)
                secrets.Add(new SecretMatch("/" + path, index, detail));
            if (PackageCollector.Wants("/" + path, header.Mode))
            {
                await using var data = bytes is null ? reader.OpenData() : new MemoryStream(bytes, writable: false);
                await packages.ObserveAsync("/" + path, header.Mode, header.Size, data, ct);
            }
        }
        // the end-of-archive blocks (and any padding after them) are part of the tar's length
        await buffered.CopyToAsync(Stream.Null, ct);
        return new LayerScan(index, entries, counted.BytesRead, filesSize, secrets, packages);
    }

    /// <summary>Entries that climb out of the root are ignored, as <see cref="ImageFilesystem"/> ignores them.</summary>
    private static bool EscapesRoot(string path) =>
        path == ".." || path.StartsWith("../", StringComparison.Ordinal) || path.EndsWith("/..", StringComparison.Ordinal)
        || path.Contains("/../", StringComparison.Ordinal);
}
