using Distill.Oci;

namespace Distill.Build;

/// <summary>
/// Copies one resolved source into the target the way fsutil's copier does for BuildKit: a directory's contents merge
/// into the destination directory, a file replaces what is there (never a directory), symlinks are copied as
/// symlinks, hard links between copied files stay hard links, and every entry gets the source's mode and
/// modification time and the owner BuildKit gives it (the <c>--chown</c> owner, else 0:0 from the context, else the
/// source's own).
/// </summary>
internal sealed class TreeCopier(CopySourceTree tree, CopyTarget target, CopyOwner? owner, CopyMode? mode, CopyFilter filter)
{
    private readonly Dictionary<(ulong Device, ulong Inode), string> _linked = [];

    /// <summary>
    /// Copies <paramref name="source"/> (a source path as matched, relative to the source root) to the image path
    /// <paramref name="destination"/> (absolute, clean) as fsutil's Copy with CopyDirContents.
    /// </summary>
    public void CopyTop(string source, string destination, bool destinationIsDirectory)
    {
        var resolved = tree.Resolve(source, out var exists);
        if (!exists)
            throw CopyFailedException.NotFound("/" + resolved);
        target.EnsureDirectory(target.ResolveFully(destinationIsDirectory ? destination : Parent(destination)));
        var destHost = target.ResolveFully(destination);
        var sourceStat = tree.Stat(resolved)!.Value;
        var destStat = CopyStat.TryGet(destHost);
        if (!sourceStat.IsDirectory && destStat is { IsDirectory: true })
            destHost = Path.Combine(destHost, BaseName(source, resolved));
        target.EnsureDirectory(sourceStat.IsDirectory && destStat is null ? destHost : Path.GetDirectoryName(destHost)!);
        Copy(resolved, "", destHost, overwriteTargetMetadata: false, skipIncludes: !filter.HasIncludes);
    }

    private void Copy(string source, string components, string destHost, bool overwriteTargetMetadata, bool skipIncludes)
    {
        var stat = tree.Stat(source) ?? throw new CopyFailedException($"failed to stat /{source}");
        var include = false;
        if (components.Length > 0)
        {
            var wasSkipping = skipIncludes;
            (var copy, skipIncludes) = filter.Decide(components, stat.IsDirectory, skipIncludes);
            if (!copy)
                return;
            include = !wasSkipping;
        }
        if (!stat.IsDirectory)
        {
            if (include)
                CreateParentDirectories(source, components, destHost, overwriteTargetMetadata);
            EnsureEmptyFileTarget(destHost);
        }
        else if (skipIncludes)
        {
            CreateParentDirectories(source, components, destHost, overwriteTargetMetadata);
        }
        var copyInfo = true;
        switch (stat.FileType)
        {
            case HostFileStat.Directory:
                var created = skipIncludes && CopyDirectoryOnly(destHost, stat, overwriteTargetMetadata);
                foreach (var name in tree.Children(source))
                    Copy(CopySourceTree.Join(source, name), CopySourceTree.Join(components, name), Path.Combine(destHost, name), true, skipIncludes);
                if (!overwriteTargetMetadata || !skipIncludes)
                    copyInfo = created;
                break;
            case HostFileStat.Regular:
                if (stat.LinkCount > 1 && _linked.TryGetValue((stat.Device, stat.Inode), out var first))
                {
                    CopyNative.Link(first, destHost);
                    return; // a hard link shares the first copy's metadata
                }
                File.Copy(tree.HostPath(source), destHost);
                if (stat.LinkCount > 1)
                    _linked[(stat.Device, stat.Inode)] = destHost;
                break;
            case HostFileStat.Symlink:
                File.CreateSymbolicLink(destHost, new FileInfo(tree.HostPath(source)).LinkTarget!);
                break;
            case HostFileStat.Char or HostFileStat.Block or HostFileStat.Fifo:
                CopyNative.MakeNode(destHost, stat.Mode, stat.RawDevice);
                break;
            default:
                throw new CopyFailedException($"unsupported file type of /{source}");
        }
        if (copyInfo)
            CopyFileInfo(source, stat, destHost);
    }

    /// <summary>With include patterns, the directories above an included entry are created only when something is copied into them, with their source's metadata.</summary>
    private void CreateParentDirectories(string source, string components, string destHost, bool overwriteTargetMetadata)
    {
        if (!filter.HasIncludes)
            return;
        var count = components.Count(c => c == '/');
        for (var i = count; i > 0; i--)
        {
            var sourceDir = source;
            var destDir = destHost;
            for (var up = 0; up < i; up++)
            {
                sourceDir = CopySourceTree.Parent(sourceDir);
                destDir = Path.GetDirectoryName(destDir)!;
            }
            var stat = tree.Stat(tree.Resolve(sourceDir, out _)) ?? throw new CopyFailedException($"failed to stat /{sourceDir}");
            if (!stat.IsDirectory)
                throw new CopyFailedException($"/{sourceDir} is not a directory");
            if (CopyDirectoryOnly(destDir, stat, overwriteTargetMetadata))
                CopyFileInfo(sourceDir, stat, destDir);
        }
    }

    private void CopyFileInfo(string source, CopyStat stat, string destHost)
    {
        if (CopyTarget.CanChown)
        {
            var (uid, gid) = owner is { } o ? (o.Uid, o.Gid) : tree.IsContext ? (0, 0) : (stat.Uid, stat.Gid);
            CopyNative.Chown(destHost, uid, gid);
        }
        if (!stat.IsSymlink)
        {
            var permissions = mode is null ? stat.Permissions : mode.Apply(stat.Permissions, stat.IsDirectory);
            File.SetUnixFileMode(destHost, (UnixFileMode)permissions);
            if (stat.IsRegular && HostFileStat.GetXattr(tree.HostPath(source), "security.capability") is { } capability)
                CopyNative.SetXattr(destHost, "security.capability", capability);
        }
        CopyNative.SetTimes(destHost, stat.MtimeSeconds, stat.MtimeNanoseconds);
    }

    private bool CopyDirectoryOnly(string destHost, CopyStat source, bool overwriteTargetMetadata)
    {
        var existing = CopyStat.TryGet(destHost);
        if (existing is null)
        {
            Directory.CreateDirectory(destHost);
            return true;
        }
        if (!existing.Value.IsDirectory)
            throw new CopyFailedException($"cannot copy to non-directory: {target.ImagePath(destHost)}");
        if (overwriteTargetMetadata)
            File.SetUnixFileMode(destHost, (UnixFileMode)(mode is null ? source.Permissions : mode.Apply(source.Permissions, true)));
        return false;
    }

    private void EnsureEmptyFileTarget(string destHost)
    {
        var existing = CopyStat.TryGet(destHost);
        if (existing is null)
            return;
        if (existing.Value.IsDirectory)
            throw new CopyFailedException($"cannot replace to directory {target.ImagePath(destHost)} with file");
        File.Delete(destHost);
    }

    private static string BaseName(string source, string resolved)
    {
        var parts = CopySourceTree.Split(source);
        var name = parts.Count == 0 ? "" : parts[^1];
        return name is "" or ".." ? Path.GetFileName(resolved) : name;
    }

    private static string Parent(string imagePath)
    {
        var slash = imagePath.LastIndexOf('/');
        return slash <= 0 ? "/" : imagePath[..slash];
    }
}
