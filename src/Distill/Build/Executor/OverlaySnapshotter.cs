namespace Distill.Build;

/// <summary>Snapshots stacked with overlayfs: nothing is copied; the upper directory is the step's change set.</summary>
internal sealed class OverlaySnapshotter(string emptyDirectory) : ISnapshotter
{
    public string Name => "overlayfs";

    public string OpenWritable(IReadOnlyList<string> lowers, Workspace work)
    {
        var rootfs = work.Sub("rootfs");
        Mounts.MountOverlay([emptyDirectory, .. lowers], work.Sub("upper"), work.Sub("work"), rootfs);
        return rootfs;
    }

    public string CloseWritable(string rootfs, IReadOnlyList<string> lowers, Workspace work)
    {
        foreach (var point in Mounts.Below(work.Path))
            Mounts.Unmount(point);
        var upper = Path.Combine(work.Path, "upper");
        // the mount was volatile (no fsync per file): make the step's files durable once, before they are committed
        Mounts.SyncFilesystem(upper);
        return upper;
    }

    public string OpenReadOnly(IReadOnlyList<string> lowers, Workspace work, string name)
    {
        var target = work.Sub(name);
        Mounts.MountOverlay([emptyDirectory, .. lowers], null, null, target);
        return target;
    }
}
