using System.Runtime.InteropServices;

namespace Distill.Build;

/// <summary>
/// What <c>statx(2)</c> says of a path (not following symlinks), with the birth time and nanosecond times the copying
/// snapshotter needs to tell an entry that changed in place from one that was replaced. The layout of
/// <c>struct statx</c> is the same on every architecture.
/// </summary>
internal readonly record struct TreeStat(uint Mode, int Uid, int Gid, ulong Inode, uint LinkCount, long Size, long ModTimeNs,
    long ChangeTimeNs, long BirthTimeNs, uint RdevMajor, uint RdevMinor, long Blocks = 0, ulong Device = 0)
{
    public const uint TypeMask = 0xf000, Symlink = 0xa000, Regular = 0x8000, Directory = 0x4000, Char = 0x2000, Socket = 0xc000;

    public uint FileType => Mode & TypeMask;
    public bool IsDirectory => FileType == Directory;
    public bool IsRegular => FileType == Regular;
    public bool IsWhiteout => FileType == Char && RdevMajor == 0 && RdevMinor == 0;

    /// <summary>The same file system object: type, inode and birth (an inode number can come back for a new file).</summary>
    public bool SameObject(TreeStat other) => FileType == other.FileType && Inode == other.Inode && BirthTimeNs == other.BirthTimeNs;

    /// <summary>Unchanged content and metadata, as far as the kernel's change time says (every write, chmod, chown, link, utimes moves it).</summary>
    public bool SameState(TreeStat other) => SameObject(other) && ChangeTimeNs == other.ChangeTimeNs && ModTimeNs == other.ModTimeNs
        && Size == other.Size && Mode == other.Mode && Uid == other.Uid && Gid == other.Gid;

    public static TreeStat Get(string path) =>
        TryGet(path) ?? throw new IOException($"statx {path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");

    public static TreeStat? TryGet(string path)
    {
        Span<byte> b = stackalloc byte[256];
        if (TreeNative.Statx(TreeNative.AtFdCwd, path, TreeNative.AtSymlinkNoFollow, 0xfff, ref MemoryMarshal.GetReference(b)) != 0)
            return null;
        return new TreeStat(
            Mode: BitConverter.ToUInt16(b[28..]),
            Uid: BitConverter.ToInt32(b[20..]),
            Gid: BitConverter.ToInt32(b[24..]),
            Inode: BitConverter.ToUInt64(b[32..]),
            LinkCount: BitConverter.ToUInt32(b[16..]),
            Size: BitConverter.ToInt64(b[40..]),
            ModTimeNs: Nanoseconds(b, 112),
            ChangeTimeNs: Nanoseconds(b, 96),
            BirthTimeNs: (BitConverter.ToUInt32(b) & 0x800) != 0 ? Nanoseconds(b, 80) : 0,
            RdevMajor: BitConverter.ToUInt32(b[128..]),
            RdevMinor: BitConverter.ToUInt32(b[132..]),
            Blocks: BitConverter.ToInt64(b[48..]),
            Device: ((ulong)BitConverter.ToUInt32(b[136..]) << 32) | BitConverter.ToUInt32(b[140..]));
    }

    private static long Nanoseconds(ReadOnlySpan<byte> b, int offset) =>
        (BitConverter.ToInt64(b[offset..]) * 1_000_000_000L) + BitConverter.ToUInt32(b[(offset + 8)..]);
}
