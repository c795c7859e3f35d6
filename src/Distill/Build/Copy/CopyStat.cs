using Distill.Oci;

namespace Distill.Build;

/// <summary>What <c>lstat(2)</c> says of a file COPY reads: type, permission bits, owner, inode (for hard links) and modification time.</summary>
internal readonly record struct CopyStat(ulong Device, ulong Inode, ulong LinkCount, uint Mode, int Uid, int Gid, ulong RawDevice, long Size,
    long MtimeSeconds, long MtimeNanoseconds, long CtimeSeconds = 0, long CtimeNanoseconds = 0)
{
    public uint FileType => Mode & HostFileStat.TypeMask;
    public bool IsDirectory => FileType == HostFileStat.Directory;
    public bool IsRegular => FileType == HostFileStat.Regular;
    public bool IsSymlink => FileType == HostFileStat.Symlink;

    /// <summary>Permission bits with setuid, setgid and sticky (07777).</summary>
    public int Permissions => (int)(Mode & 0xfff);

    /// <summary>The stat of <paramref name="path"/> (not following a final symlink), or null when nothing is there.</summary>
    public static CopyStat? TryGet(string path) =>
        HostFileStat.TryGet(path) is { } s
            ? new CopyStat(s.Device, s.Inode, s.LinkCount, s.Mode, s.Uid, s.Gid, s.RawDevice, s.Size, s.ModTime, s.ModTimeNanoseconds, s.ChangeTime, s.ChangeTimeNanoseconds)
            : null;
}
