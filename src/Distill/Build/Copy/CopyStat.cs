using System.Runtime.InteropServices;
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
    public static CopyStat? TryGet(string path)
    {
        Span<byte> b = stackalloc byte[256];
        if (NativeMethods.LStat(path, ref MemoryMarshal.GetReference(b)) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is 2 or 20) // ENOENT, ENOTDIR
                return null;
            throw new IOException($"{path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
        if (RuntimeInformation.ProcessArchitecture == Architecture.Arm64)
        {
            return new CopyStat(U64(b, 0), U64(b, 8), U32(b, 20), U32(b, 16), (int)U32(b, 24), (int)U32(b, 28), U64(b, 32), (long)U64(b, 48),
                (long)U64(b, 88), (long)U64(b, 96), (long)U64(b, 104), (long)U64(b, 112));
        }
        return new CopyStat(U64(b, 0), U64(b, 8), U64(b, 16), U32(b, 24), (int)U32(b, 28), (int)U32(b, 32), U64(b, 40), (long)U64(b, 48),
            (long)U64(b, 88), (long)U64(b, 96), (long)U64(b, 104), (long)U64(b, 112));
    }

    private static ulong U64(ReadOnlySpan<byte> b, int offset) => BitConverter.ToUInt64(b[offset..]);

    private static uint U32(ReadOnlySpan<byte> b, int offset) => BitConverter.ToUInt32(b[offset..]);
}
