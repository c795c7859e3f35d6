using Distill.Oci;

namespace Distill.Build;

/// <summary>
/// ADD's extraction of a local tar archive into the destination directory, as BuildKit's chrooted Untar: the
/// destination is the root every entry name and link target resolves in (<c>..</c> and absolute names cannot leave
/// it), entries keep the tar's owners, modes and times, a non-directory replaces what is there, and parent
/// directories the archive does not list are created 0755.
/// </summary>
internal static class ArchiveExtractor
{
    public static async Task ExtractAsync(Stream tar, string destinationHost, string what, CancellationToken ct)
    {
        var root = new SafeRoot(destinationHost);
        var directoryTimes = new List<(string Path, long Time)>();
        using var reader = new TarStreamReader(tar, what);
        while (await reader.ReadNextAsync(ct) is { } entry)
        {
            var name = TarEntryHeader.CleanName(entry.Name);
            if (name.Length == 0 || entry.Kind is TarEntryKind.CharDevice or TarEntryKind.BlockDevice && !CopyTarget.CanChown)
                continue;
            var target = root.Resolve(name);
            if (!target.StartsWith(root.Root + "/", StringComparison.Ordinal))
                continue;
            CreateParents(root.Root, Path.GetDirectoryName(target)!);
            var existing = CopyStat.TryGet(target);
            if (existing is not null && !(existing.Value.IsDirectory && entry.Kind == TarEntryKind.Directory))
            {
                if (existing.Value.IsDirectory)
                    Directory.Delete(target, recursive: true);
                else
                    File.Delete(target);
            }
            switch (entry.Kind)
            {
                case TarEntryKind.Directory:
                    if (existing is not { IsDirectory: true })
                        Directory.CreateDirectory(target);
                    directoryTimes.Add((target, entry.ModTime));
                    break;
                case TarEntryKind.File:
                    await using (var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
                        await reader.OpenData().CopyToAsync(file, ct);
                    break;
                case TarEntryKind.Symlink:
                    File.CreateSymbolicLink(target, entry.LinkName);
                    break;
                case TarEntryKind.Hardlink:
                    var source = root.ResolveFully(entry.LinkName);
                    if (!source.StartsWith(root.Root + "/", StringComparison.Ordinal) || CopyStat.TryGet(source) is not { IsDirectory: false })
                        throw new CopyFailedException($"invalid hardlink {entry.Name} -> {entry.LinkName} in {what}");
                    CopyNative.Link(source, target);
                    continue;
                case TarEntryKind.CharDevice or TarEntryKind.BlockDevice or TarEntryKind.Fifo:
                    var type = entry.Kind switch { TarEntryKind.CharDevice => 0x2000u, TarEntryKind.BlockDevice => 0x6000u, _ => 0x1000u };
                    var device = ((ulong)(entry.DevMajor & 0xfff) << 8) | (uint)(entry.DevMinor & 0xff) | ((ulong)(entry.DevMinor & ~0xff) << 12) | ((ulong)(entry.DevMajor & ~0xfff) << 32);
                    CopyNative.MakeNode(target, type | (uint)(entry.Mode & 0xfff), device);
                    break;
            }
            if (CopyTarget.CanChown)
                CopyNative.Chown(target, entry.Uid, entry.Gid);
            if (entry.Kind != TarEntryKind.Symlink)
                File.SetUnixFileMode(target, (UnixFileMode)(entry.Mode & 0xfff));
            if (entry.Xattrs is not null && entry.Xattrs.TryGetValue("security.capability", out var capability))
                CopyNative.SetXattr(target, "security.capability", capability);
            if (entry.Kind != TarEntryKind.Directory)
                CopyNative.SetTimes(target, entry.ModTime, 0);
        }
        // directory times last: creating entries inside a directory changes its mtime
        for (var i = directoryTimes.Count - 1; i >= 0; i--)
            CopyNative.SetTimes(directoryTimes[i].Path, directoryTimes[i].Time, 0);
    }

    private static void CreateParents(string root, string dir)
    {
        if (dir.Length <= root.Length || CopyStat.TryGet(dir) is { IsDirectory: true })
            return;
        CreateParents(root, Path.GetDirectoryName(dir)!);
        if (CopyStat.TryGet(dir) is not null)
            throw new CopyFailedException($"mkdir {dir[root.Length..]}: not a directory");
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, (UnixFileMode)0x1ed);
    }
}
