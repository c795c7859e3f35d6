using Distill.Oci;

namespace Distill.Build;

/// <summary>
/// Unpacks an image's layers, bottom to top, into a directory: whiteouts delete, opaque markers empty a directory,
/// every path goes through <see cref="SafeRoot"/>, hardlinks must point inside the root, and device files are created
/// only as empty placeholders are not — they are skipped (a rootless or sandboxed unpack cannot make them anyway).
/// </summary>
public static class RootfsUnpacker
{
    public static async Task UnpackAsync(IImage image, string rootfs, CancellationToken ct)
    {
        Directory.CreateDirectory(rootfs);
        var root = new SafeRoot(rootfs);
        var isRoot = Environment.UserName == "root";
        foreach (var layer in image.Layers)
            await ApplyLayerAsync(root, layer, isRoot, ct);
    }

    /// <summary>Applies one layer on top of what <paramref name="root"/> holds (a directory, or a writable overlay whose deletions become whiteouts).</summary>
    internal static async Task ApplyLayerAsync(SafeRoot root, ILayer layer, bool isRoot, CancellationToken ct)
    {
        await using var stream = await layer.OpenUncompressedAsync(ct);
        using var reader = new TarStreamReader(stream, $"layer {layer.Descriptor.Digest}", leaveOpen: true);
        while (await reader.ReadNextAsync(ct) is { } entry)
            await ApplyAsync(root, entry, reader, isRoot, ct);
        // the end blocks and padding after the last entry too: a verifying source checks the digest at its last byte
        await stream.CopyToAsync(Stream.Null, ct);
    }

    private static async Task ApplyAsync(SafeRoot root, TarEntryHeader entry, TarStreamReader reader, bool isRoot, CancellationToken ct)
    {
        var name = TarEntryHeader.CleanName(entry.Name);
        if (name.Length == 0)
            return;
        var baseName = name[(name.LastIndexOf('/') + 1)..];
        var target = root.Resolve(name);
        if (!target.StartsWith(root.Root + "/", StringComparison.Ordinal))
            return; // resolves to the root itself or (impossible by construction) outside: nothing to write
        if (baseName == ImageFilesystem.OpaqueMarker)
        {
            var dir = Path.GetDirectoryName(target)!;
            if (Directory.Exists(dir))
            {
                foreach (var child in Directory.EnumerateFileSystemEntries(dir))
                    Delete(child);
            }
            return;
        }
        if (baseName.StartsWith(ImageFilesystem.WhiteoutPrefix, StringComparison.Ordinal))
        {
            Delete(Path.Combine(Path.GetDirectoryName(target)!, baseName[ImageFilesystem.WhiteoutPrefix.Length..]));
            return;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (entry.Kind != TarEntryKind.Directory || !Directory.Exists(target) || new FileInfo(target).LinkTarget is not null)
            Delete(target);
        switch (entry.Kind)
        {
            case TarEntryKind.Directory:
                Directory.CreateDirectory(target);
                break;
            case TarEntryKind.File:
                await using (var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
                    await reader.OpenData().CopyToAsync(file, ct);
                break;
            case TarEntryKind.Symlink:
                File.CreateSymbolicLink(target, entry.LinkName); // the link's text is kept; following it is SafeRoot's job
                break;
            case TarEntryKind.Hardlink:
                var source = root.ResolveFully(entry.LinkName);
                if (!source.StartsWith(root.Root + "/", StringComparison.Ordinal) || !File.Exists(source))
                    throw new InvalidImageException($"layer entry {entry.Name}: hard link to {entry.LinkName}, which is not a file in the image");
                if (!BlobFiles.TryHardLink(source, target))
                    File.Copy(source, target);
                return;
            default:
                return; // devices and fifos are not created here
        }
        if (entry.Kind != TarEntryKind.Symlink)
            File.SetUnixFileMode(target, (UnixFileMode)(entry.Mode & 0xfff));
        if (isRoot)
            SafeRoot.LChown(target, entry.Uid, entry.Gid);
    }

    private static void Delete(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null || info.Exists)
            info.Delete();
        else if (Directory.Exists(path))
            Directory.Delete(path, recursive: true);
    }
}
