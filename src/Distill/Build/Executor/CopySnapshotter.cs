using System.Collections.Concurrent;

namespace Distill.Build;

/// <summary>
/// Snapshots without overlayfs (a kernel or filesystem that does not allow the mount): the lowers are copied into a
/// plain directory, and after the step the directory is compared with the index taken when it was made (see
/// <see cref="TreeDiff"/>) to write an overlay-style upper directory, so layers come out the same as with overlayfs.
/// Copying a base is the expensive part (creating every inode again), so a root filesystem outlives its step: it is
/// parked, already up to date, and the next step whose lowers are the same trees plus the one just made takes it over.
/// </summary>
internal sealed class CopySnapshotter : ISnapshotter, IDisposable
{
    private const int ParkedLimit = 3;
    private readonly ConcurrentDictionary<string, OpenView> _open = new(StringComparer.Ordinal);
    private readonly List<ParkedView> _parked = [];
    private readonly Lock _gate = new();

    public string Name => "copy";

    /// <summary>How many writable views were taken over from an earlier step rather than copied.</summary>
    internal int Reused => _reused;
    private int _reused;

    public string OpenWritable(IReadOnlyList<string> lowers, Workspace work)
    {
        var key = KeyOf(lowers);
        var rootfs = Path.Combine(work.Path, "rootfs");
        TreeNode index;
        if (TakeParked(key) is { } parked)
        {
            Directory.Move(parked.Directory, rootfs);
            index = parked.Index;
            Interlocked.Increment(ref _reused);
        }
        else
        {
            index = TreeMerger.Copy(lowers, rootfs);
        }
        WaitPast(index.LatestChange(), work);
        _open[work.Path] = new OpenView(key, index);
        return rootfs;
    }

    public string CloseWritable(string rootfs, IReadOnlyList<string> lowers, Workspace work)
    {
        foreach (var point in Mounts.Below(rootfs))
            Mounts.Unmount(point);
        if (!_open.TryRemove(work.Path, out var view))
            throw new InvalidOperationException($"{rootfs} was not opened by this snapshotter");
        var upper = work.Sub("upper");
        var diff = new TreeDiff();
        var index = diff.Write(rootfs, view.Index, upper);
        // the next step sees these lowers plus this upper (committed by renaming, so the same directory), or without
        // it when the step left nothing that stays
        var withUpper = view.Key.Length == 0 ? Identity(TreeStat.Get(upper)) : view.Key + "\n" + Identity(TreeStat.Get(upper));
        Park(new ParkedView(withUpper, diff.HasChanges ? null : view.Key, rootfs, index), work);
        return upper;
    }

    public string OpenReadOnly(IReadOnlyList<string> lowers, Workspace work, string name)
    {
        var target = Path.Combine(work.Path, name);
        TreeMerger.Link(lowers, target);
        return target;
    }

    /// <summary>Deletes the parked root filesystems (the build is over).</summary>
    public void Dispose()
    {
        List<ParkedView> parked;
        lock (_gate)
        {
            parked = [.. _parked];
            _parked.Clear();
        }
        foreach (var view in parked)
            Mounts.TryDeleteTree(view.Directory);
    }

    private ParkedView? TakeParked(string key)
    {
        lock (_gate)
        {
            var found = _parked.FindIndex(p => p.Key == key || p.KeyWithoutUpper == key);
            if (found < 0)
                return null;
            var view = _parked[found];
            _parked.RemoveAt(found);
            return view;
        }
    }

    private void Park(ParkedView view, Workspace work)
    {
        // beside the workspace (same file system, so a rename), named like it: a killed build's views are stale tmp/ entries
        var directory = Path.Combine(Path.GetDirectoryName(work.Path)!, $"{Environment.ProcessId}-view-{Guid.NewGuid():N}");
        Directory.Move(view.Directory, directory);
        ParkedView? evicted = null;
        lock (_gate)
        {
            _parked.Add(view with { Directory = directory });
            if (_parked.Count > ParkedLimit)
            {
                evicted = _parked[0];
                _parked.RemoveAt(0);
            }
        }
        if (evicted is not null)
            Mounts.TryDeleteTree(evicted.Directory);
    }

    /// <summary>The lowers by directory identity (inode and birth time survive the rename that commits a snapshot).</summary>
    private static string KeyOf(IReadOnlyList<string> lowers) => string.Join('\n', lowers.Select(l => Identity(TreeStat.Get(l))));

    private static string Identity(TreeStat stat) => FormattableString.Invariant($"{stat.Inode}:{stat.BirthTimeNs}");

    /// <summary>
    /// Waits until the file system stamps a change later than <paramref name="latest"/>, so that whatever the step
    /// changes has a change time the index has not seen (coarse kernel clocks tick every few milliseconds).
    /// </summary>
    private static void WaitPast(long latest, Workspace work)
    {
        var probe = Path.Combine(work.Path, ".clock");
        File.WriteAllBytes(probe, []);
        for (var i = 0; i < 1000 && TreeStat.Get(probe).ChangeTimeNs <= latest; i++)
        {
            Thread.Sleep(1);
            TreeNative.Chmod(probe, 0x180);
        }
        File.Delete(probe);
    }

    private sealed record OpenView(string Key, TreeNode Index);

    private sealed record ParkedView(string Key, string? KeyWithoutUpper, string Directory, TreeNode Index);
}
