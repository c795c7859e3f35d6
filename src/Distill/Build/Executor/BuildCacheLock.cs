namespace Distill.Build;

/// <summary>
/// <c>STORE/build/.lock</c>: builds hold it shared for as long as they use snapshots and blobs, <c>distill builder
/// prune</c> holds it exclusive, so a prune never deletes what a running build has mounted. .NET takes
/// <c>flock(2)</c> for <see cref="FileShare"/> on Unix (<see cref="FileShare.None"/> = LOCK_EX, otherwise LOCK_SH,
/// both non-blocking), so the kernel drops it when a process dies.
/// </summary>
public sealed class BuildCacheLock : IDisposable
{
    public const string WaitingMessage = "waiting for distill builder prune to finish";

    private readonly FileStream _file;

    private BuildCacheLock(FileStream file) => _file = file;

    private static string PathOf(string storeRoot) => System.IO.Path.Combine(storeRoot, "build", ".lock");

    /// <summary>A build's lock: waits while a prune runs (a prune is short), never for another build.</summary>
    public static async Task<BuildCacheLock> AcquireSharedAsync(string storeRoot, Action? waiting, CancellationToken ct)
    {
        var notified = false;
        while (true)
        {
            if (TryOpen(storeRoot, FileShare.ReadWrite) is { } file)
                return new BuildCacheLock(file);
            if (!notified)
                waiting?.Invoke();
            notified = true;
            await Task.Delay(200, ct);
        }
    }

    /// <summary>A prune's lock, or null when a build holds the cache.</summary>
    public static BuildCacheLock? TryAcquireExclusive(string storeRoot) =>
        TryOpen(storeRoot, FileShare.None) is { } file ? new BuildCacheLock(file) : null;

    private static FileStream? TryOpen(string storeRoot, FileShare share)
    {
        var path = PathOf(storeRoot);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, share);
        }
        catch (IOException) when (File.Exists(path))
        {
            return null; // EWOULDBLOCK: the other kind of holder
        }
    }

    public void Dispose() => _file.Dispose();
}
