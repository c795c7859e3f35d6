using System.Runtime.InteropServices;

namespace Distill.Build;

/// <summary>
/// The mounts a build makes on the host: overlayfs views of snapshot chains and bind mounts, through <c>mount(2)</c>
/// directly (no <c>mount</c> process per step). Every mount is lifted by the code that made it, in a finally block.
/// </summary>
internal static partial class Mounts
{
    private const ulong MsRdOnly = 1, MsBind = 4096, MsRec = 16384, MsRemount = 32;
    private const int MntDetach = 2;
    private static int s_overlayOptions = -1; // -1 unknown, 1 with the extra options, 0 without
    private static int s_volatile = -1; // -1 unknown or on, 0 when the kernel refused it

    /// <summary>
    /// Mounts an overlay of <paramref name="lowers"/> (bottom first) at <paramref name="target"/>; with an upper and work
    /// directory it is writable, without it is a read-only view. Redirects, metacopy and the inode index are turned off
    /// so the upper directory is a plain tree of whole files, whiteouts and opaque markers.
    /// </summary>
    public static void MountOverlay(IReadOnlyList<string> lowers, string? upper, string? work, string target)
    {
        if (lowers.Count == 0)
            throw new ArgumentException("an overlay needs at least one lower directory", nameof(lowers));
        var options = "lowerdir=" + string.Join(':', lowers.Reverse().Select(Escape));
        if (upper is not null)
            options += $",upperdir={Escape(upper)},workdir={Escape(work!)}";
        // a step's upper directory is committed only when the step succeeded, and then synced once (SyncFilesystem):
        // "volatile" skips the fsync of every file dpkg and friends write, which on a slow disk is half the step
        if (upper is not null && s_volatile != 0)
            options += ",volatile";
        if (options.Length > 3900)
            throw new BuildException($"the image has too many layers for one overlay mount ({lowers.Count})");
        if (s_overlayOptions != 0)
        {
            if (Mount("overlay", target, "overlay", upper is null ? MsRdOnly : 0, options + ",index=off,redirect_dir=off,metacopy=off") == 0)
            {
                s_overlayOptions = 1;
                return;
            }
            if (s_overlayOptions == 1)
                throw Failure("overlay", target);
        }
        if (Mount("overlay", target, "overlay", upper is null ? MsRdOnly : 0, options) == 0)
        {
            s_overlayOptions = 0;
            return;
        }
        if (upper is not null && s_volatile != 0 && options.EndsWith(",volatile", StringComparison.Ordinal))
        {
            // a kernel before 5.10 does not know "volatile"
            s_volatile = 0;
            MountOverlay(lowers, upper, work, target);
            return;
        }
        throw Failure("overlay", target);
    }

    /// <summary>True when this process can mount overlays (root, and a kernel that allows it here).</summary>
    public static bool OverlaySupported(string scratchDirectory)
    {
        var probe = Path.Combine(scratchDirectory, $".overlay-probe-{Environment.ProcessId}");
        try
        {
            foreach (var d in new[] { "l", "u", "w", "m" })
                Directory.CreateDirectory(Path.Combine(probe, d));
            MountOverlay([Path.Combine(probe, "l")], Path.Combine(probe, "u"), Path.Combine(probe, "w"), Path.Combine(probe, "m"));
            Unmount(Path.Combine(probe, "m"));
            return true;
        }
        catch (BuildException)
        {
            return false;
        }
        finally
        {
            TryDeleteTree(probe);
        }
    }

    public static void Bind(string source, string target, bool readOnly)
    {
        if (Mount(source, target, null, MsBind | MsRec, null) != 0)
            throw Failure("bind", target);
        if (readOnly && Mount(source, target, null, MsBind | MsRemount | MsRdOnly | MsRec, null) != 0)
        {
            var failure = Failure("read-only bind", target);
            Unmount(target);
            throw failure;
        }
    }

    public static void Unmount(string target)
    {
        if (Umount2(target, 0) == 0)
            return;
        // busy (a process still inside): detach so nothing is left mounted, and the tree is freed when released
        if (Umount2(target, MntDetach) != 0 && Marshal.GetLastPInvokeError() != 22 /* EINVAL: not mounted */)
            throw Failure("unmount", target);
    }

    /// <summary>Mount points at or below <paramref name="directory"/>, deepest first (from /proc/self/mountinfo).</summary>
    public static IReadOnlyList<string> Below(string directory)
    {
        var prefix = Path.GetFullPath(directory).TrimEnd('/');
        var found = new List<string>();
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var fields = line.Split(' ');
            if (fields.Length < 5)
                continue;
            var point = Unescape(fields[4]);
            if (point == prefix || point.StartsWith(prefix + "/", StringComparison.Ordinal))
                found.Add(point);
        }
        return found.OrderByDescending(p => p.Length).ToList();
    }

    /// <summary>Deletes a directory tree after lifting any mount left below it; never follows symlinks out of it.</summary>
    public static void TryDeleteTree(string directory)
    {
        try
        {
            if (!Directory.Exists(directory))
                return;
            foreach (var point in Below(directory))
                Umount2(point, MntDetach);
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string Escape(string path) =>
        path.Contains(',', StringComparison.Ordinal) || path.Contains(':', StringComparison.Ordinal)
            ? throw new BuildException($"{path}: a store path with ',' or ':' cannot be an overlay layer; set DISTILL_STORE elsewhere")
            : path;

    private static string Unescape(string field) => field.Replace("\\040", " ", StringComparison.Ordinal).Replace("\\011", "\t", StringComparison.Ordinal)
        .Replace("\\012", "\n", StringComparison.Ordinal).Replace("\\134", "\\", StringComparison.Ordinal);

    private static BuildException Failure(string what, string target) =>
        new($"{what} mount at {target} failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");

    /// <summary>Flushes the filesystem holding <paramref name="path"/> to disk (<c>syncfs(2)</c>): one sync for a whole step.</summary>
    public static void SyncFilesystem(string path)
    {
        var fd = Open(path, 0x10000 /* O_RDONLY | O_DIRECTORY */);
        if (fd < 0)
            throw new BuildException($"open {path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        try
        {
            if (SyncFs(fd) != 0)
                throw new BuildException($"syncfs {path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int SyncFs(int fd);

    [LibraryImport("libc", EntryPoint = "mount", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Mount(string source, string target, string? type, ulong flags, string? data);

    [LibraryImport("libc", EntryPoint = "umount2", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Umount2(string target, int flags);
}
