namespace Distill.Build;

/// <summary>
/// Snapshots without overlayfs (a kernel or filesystem that does not allow the mount): the lowers are copied into a
/// plain directory, and after the step the directory is compared with them to write an overlay-style upper directory.
/// </summary>
internal sealed class CopySnapshotter : ISnapshotter
{
    public string Name => "copy";

    public string OpenWritable(IReadOnlyList<string> lowers, Workspace work) =>
        throw new BuildException("the copying snapshotter is not available yet; overlayfs is needed (DISTILL_SNAPSHOTTER=overlayfs)");

    public string CloseWritable(string rootfs, IReadOnlyList<string> lowers, Workspace work) =>
        throw new BuildException("the copying snapshotter is not available yet");

    public string OpenReadOnly(IReadOnlyList<string> lowers, Workspace work, string name) =>
        throw new BuildException("the copying snapshotter is not available yet; overlayfs is needed (DISTILL_SNAPSHOTTER=overlayfs)");
}
