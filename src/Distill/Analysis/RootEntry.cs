using Distill.Oci;

namespace Distill.Analysis;

/// <summary>
/// One entry of a root filesystem as <c>lstat</c> sees it (a symlink is not followed). Hard links show as the
/// regular file they share data with. <see cref="Path"/> is absolute (<c>/usr/lib/libc.so.6</c>).
/// </summary>
public sealed record RootEntry(string Path, TarEntryKind Kind, int Mode, int Uid, int Gid, long Size, string LinkTarget = "")
{
    /// <summary>Any execute bit set (the kernel needs one to exec a regular file).</summary>
    public bool IsExecutable => (Mode & 0x49) != 0;

    public static RootEntry Directory(string path) => new(path, TarEntryKind.Directory, 0x1ed, 0, 0, 0);
}
