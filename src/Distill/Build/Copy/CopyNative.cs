using System.Runtime.InteropServices;

namespace Distill.Build;

/// <summary>The system calls COPY needs that .NET does not expose for symlinks and device nodes.</summary>
internal static partial class CopyNative
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;

    /// <summary>Sets access and modification time of the path itself (a symlink is not followed).</summary>
    public static void SetTimes(string path, long seconds, long nanoseconds)
    {
        Span<long> times = [seconds, nanoseconds, seconds, nanoseconds];
        if (UtimensAt(AtFdCwd, path, ref MemoryMarshal.GetReference(times), AtSymlinkNoFollow) != 0)
            throw Error(path, "utimensat");
    }

    public static void Chown(string path, int uid, int gid)
    {
        if (LChown(path, uid, gid) != 0)
            throw Error(path, "lchown");
    }

    public static void MakeNode(string path, uint mode, ulong device)
    {
        if (MkNod(path, mode, device) != 0)
            throw Error(path, "mknod");
    }

    public static void Link(string existing, string newPath)
    {
        if (LinkC(existing, newPath) != 0)
            throw Error(newPath, "link");
    }

    public static void SetXattr(string path, string name, byte[] value)
    {
        // best effort, as BuildKit: a file system without xattrs does not fail the copy
        _ = LSetXattr(path, name, ref MemoryMarshal.GetArrayDataReference(value), (nuint)value.Length, 0);
    }

    private static IOException Error(string path, string call) =>
        new($"{call} {path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");

    [LibraryImport("libc", EntryPoint = "utimensat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int UtimensAt(int dirfd, string path, ref long times, int flags);

    [LibraryImport("libc", EntryPoint = "lchown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int LChown(string path, int owner, int group);

    [LibraryImport("libc", EntryPoint = "mknod", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int MkNod(string path, uint mode, ulong device);

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int LinkC(string existing, string newPath);

    [LibraryImport("libc", EntryPoint = "lsetxattr", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int LSetXattr(string path, string name, ref byte value, nuint size, int flags);
}
