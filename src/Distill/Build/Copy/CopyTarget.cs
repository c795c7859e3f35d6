namespace Distill.Build;

/// <summary>
/// The write side of a COPY: the stage's root filesystem. Image paths resolve through <see cref="SafeRoot"/> (symlinks
/// in the target followed inside it); directories COPY has to create are 0755, owned by the <c>--chown</c> owner
/// (else root), with the current time — as fsutil's MkdirAll does.
/// </summary>
internal sealed class CopyTarget(string root, CopyOwner? owner)
{
    private readonly SafeRoot _root = new(root);

    public static bool CanChown { get; } = Environment.IsPrivilegedProcess;

    public string Root => _root.Root;

    /// <summary>The host path of an image path, every symlink (the last one too) followed inside the root.</summary>
    public string ResolveFully(string imagePath) => _root.ResolveFully(imagePath);

    /// <summary>The image path of a host path below the root, for messages.</summary>
    public string ImagePath(string hostPath) =>
        hostPath.Length <= Root.Length ? "/" : "/" + Path.GetRelativePath(Root, hostPath);

    /// <summary>Creates a directory (host path, already resolved) and its missing parents.</summary>
    public void EnsureDirectory(string hostPath)
    {
        var stat = CopyStat.TryGet(hostPath);
        if (stat is { IsDirectory: true })
            return;
        if (stat is not null)
            throw new CopyFailedException($"mkdir {ImagePath(hostPath)}: not a directory");
        if (hostPath.Length <= Root.Length)
            return;
        EnsureDirectory(Path.GetDirectoryName(hostPath)!);
        Directory.CreateDirectory(hostPath);
        File.SetUnixFileMode(hostPath, (UnixFileMode)0x1ed);
        if (owner is { } o && CanChown)
            CopyNative.Chown(hostPath, o.Uid, o.Gid);
    }
}
