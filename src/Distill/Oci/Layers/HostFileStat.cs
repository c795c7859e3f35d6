using System.Runtime.InteropServices;
using System.Text;

namespace Distill.Oci;

/// <summary>
/// What <c>lstat(2)</c> says of a host file that .NET's file APIs do not: inode and link count (to keep hard links as
/// links), device numbers, and extended attributes. Linux x86-64 and arm64 layouts of <c>struct stat</c>.
/// </summary>
internal readonly record struct HostFileStat(ulong Device, ulong Inode, ulong LinkCount, uint Mode, ulong RawDevice, long Size, int Uid = 0, int Gid = 0, long ModTime = 0,
    long ModTimeNanoseconds = 0, long ChangeTime = 0, long ChangeTimeNanoseconds = 0)
{
    public const uint TypeMask = 0xf000, Socket = 0xc000, Symlink = 0xa000, Regular = 0x8000, Block = 0x6000,
        Directory = 0x4000, Char = 0x2000, Fifo = 0x1000;

    public uint FileType => Mode & TypeMask;
    public int Permissions => (int)(Mode & 0xfff);
    public int DevMajor => (int)(((RawDevice >> 32) & 0xfffff000) | ((RawDevice >> 8) & 0xfff));
    public int DevMinor => (int)(((RawDevice >> 12) & 0xffffff00) | (RawDevice & 0xff));

    public static HostFileStat Get(string path) =>
        TryGet(path) ?? throw new IOException($"{path}: {Marshal.GetPInvokeErrorMessage(2)}");

    /// <summary>The stat of <paramref name="path"/> (not following a final symlink), or null when nothing is there.</summary>
    public static HostFileStat? TryGet(string path)
    {
        Span<byte> buffer = stackalloc byte[256];
        if (NativeMethods.LStat(path, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is 2 or 20) // ENOENT, ENOTDIR
                return null;
            throw new IOException($"{path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
        // both layouts: atime at 72, mtime at 88, ctime at 104 (seconds, then nanoseconds)
        var (mtime, mtimeNs, ctime, ctimeNs) = ((long)Read64(buffer, 88), (long)Read64(buffer, 96), (long)Read64(buffer, 104), (long)Read64(buffer, 112));
        if (RuntimeInformation.ProcessArchitecture == Architecture.Arm64)
        {
            // asm-generic: dev, ino, mode(u32), nlink(u32), uid, gid, rdev, pad, size, blksize(+pad), blocks
            return new HostFileStat(Read64(buffer, 0), Read64(buffer, 8), BitConverter.ToUInt32(buffer[20..]),
                BitConverter.ToUInt32(buffer[16..]), Read64(buffer, 32), (long)Read64(buffer, 48),
                BitConverter.ToInt32(buffer[24..]), BitConverter.ToInt32(buffer[28..]), mtime, mtimeNs, ctime, ctimeNs);
        }
        // x86-64: dev, ino, nlink(u64), mode(u32), uid, gid, pad, rdev, size, blksize, blocks
        return new HostFileStat(Read64(buffer, 0), Read64(buffer, 8), Read64(buffer, 16),
            BitConverter.ToUInt32(buffer[24..]), Read64(buffer, 40), (long)Read64(buffer, 48),
            BitConverter.ToInt32(buffer[28..]), BitConverter.ToInt32(buffer[32..]), mtime, mtimeNs, ctime, ctimeNs);
    }

    private static ulong Read64(ReadOnlySpan<byte> b, int offset) => BitConverter.ToUInt64(b[offset..]);

    /// <summary>One extended attribute of a file (not following symlinks), or null when it has none.</summary>
    public static byte[]? GetXattr(string path, string name)
    {
        Span<byte> value = stackalloc byte[4096];
        var n = NativeMethods.LGetXattr(path, name, ref MemoryMarshal.GetReference(value), (nuint)value.Length);
        return n < 0 ? null : value[..(int)n].ToArray();
    }

    public static string Describe(byte[] value) => Encoding.UTF8.GetString(value);
}

internal static partial class NativeMethods
{
    [LibraryImport("libc", EntryPoint = "lstat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int LStat(string path, ref byte statBuffer);

    [LibraryImport("libc", EntryPoint = "lgetxattr", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial nint LGetXattr(string path, string name, ref byte value, nuint size);
}
