using System.Runtime.InteropServices;
using System.Text;

namespace Distill.Build;

/// <summary>The system calls the copying snapshotter makes on snapshot trees (never following symlinks).</summary>
internal static partial class TreeNative
{
    public const int AtFdCwd = -100, AtSymlinkNoFollow = 0x100;
    private const string Opaque = "trusted.overlay.opaque";

    public static void Chown(string path, int uid, int gid) => Check(LChown(path, uid, gid), path, "lchown");

    public static void Chmod(string path, uint mode) => Check(ChmodC(path, mode & 0xfff), path, "chmod");

    public static void MakeNode(string path, uint mode, uint major, uint minor) =>
        Check(MkNod(path, mode, ((ulong)(major & 0xfffff000) << 32) | ((ulong)(major & 0xfff) << 8) | ((ulong)(minor & 0xffffff00) << 12) | (minor & 0xff)), path, "mknod");

    public static void Whiteout(string path) => MakeNode(path, TreeStat.Char, 0, 0);

    public static bool TryLink(string existing, string newPath) => LinkC(existing, newPath) == 0;

    /// <summary>Sets access and modification time of the path itself, to the nanosecond.</summary>
    public static void SetModTime(string path, long modTimeNs)
    {
        Span<long> times = [modTimeNs / 1_000_000_000L, modTimeNs % 1_000_000_000L, modTimeNs / 1_000_000_000L, modTimeNs % 1_000_000_000L];
        Check(UtimensAt(AtFdCwd, path, ref MemoryMarshal.GetReference(times), AtSymlinkNoFollow), path, "utimensat");
    }

    public static bool IsOpaque(string directory)
    {
        Span<byte> value = stackalloc byte[8];
        return LGetXattr(directory, Opaque, ref MemoryMarshal.GetReference(value), (nuint)value.Length) == 1 && value[0] == (byte)'y';
    }

    public static void MarkOpaque(string directory)
    {
        byte[] y = [(byte)'y'];
        Check(LSetXattr(directory, Opaque, ref y[0], 1, 0) == 0 ? 0 : -1, directory, "setxattr " + Opaque);
    }

    /// <summary>
    /// Copies the extended attributes of <paramref name="source"/> (security.capability and any other) except overlayfs'
    /// own markers, which only mean something in the tree they are in. Best effort for attributes the target refuses.
    /// </summary>
    public static void CopyXattrs(string source, string target)
    {
        Span<byte> names = stackalloc byte[4096];
        var length = LListXattr(source, ref MemoryMarshal.GetReference(names), (nuint)names.Length);
        if (length <= 0)
            return;
        Span<byte> value = stackalloc byte[4096];
        foreach (var name in Encoding.UTF8.GetString(names[..(int)length]).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            if (name.StartsWith("trusted.overlay.", StringComparison.Ordinal))
                continue;
            var n = LGetXattr(source, name, ref MemoryMarshal.GetReference(value), (nuint)value.Length);
            if (n >= 0)
                _ = LSetXattr(target, name, ref MemoryMarshal.GetReference(value), (nuint)n, 0);
        }
    }

    private static void Check(int result, string path, string call)
    {
        if (result != 0)
            throw new IOException($"{call} {path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Statx(int dirfd, string path, int flags, uint mask, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "lchown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int LChown(string path, int owner, int group);

    [LibraryImport("libc", EntryPoint = "chmod", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int ChmodC(string path, uint mode);

    [LibraryImport("libc", EntryPoint = "mknod", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int MkNod(string path, uint mode, ulong device);

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int LinkC(string existing, string newPath);

    [LibraryImport("libc", EntryPoint = "utimensat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int UtimensAt(int dirfd, string path, ref long times, int flags);

    [LibraryImport("libc", EntryPoint = "llistxattr", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial nint LListXattr(string path, ref byte list, nuint size);

    [LibraryImport("libc", EntryPoint = "lgetxattr", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial nint LGetXattr(string path, string name, ref byte value, nuint size);

    [LibraryImport("libc", EntryPoint = "lsetxattr", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int LSetXattr(string path, string name, ref byte value, nuint size, int flags);
}
