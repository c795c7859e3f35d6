namespace Distill.Build;

/// <summary>
/// How a step gets a root filesystem over a stack of snapshots and how its changes come back as an overlay-style
/// upper directory (whole changed files, character devices 0/0 for deletions, <c>trusted.overlay.opaque</c> on
/// replaced directories): overlayfs where the kernel allows it, copying elsewhere.
/// </summary>
internal interface ISnapshotter
{
    string Name { get; }

    /// <summary>A writable root filesystem over <paramref name="lowers"/> (bottom first) inside <paramref name="work"/>.</summary>
    string OpenWritable(IReadOnlyList<string> lowers, Workspace work);

    /// <summary>Ends the writable view and returns the directory of its changes (an upper directory, inside <paramref name="work"/>).</summary>
    string CloseWritable(string rootfs, IReadOnlyList<string> lowers, Workspace work);

    /// <summary>A read-only view of <paramref name="lowers"/> at a new directory <paramref name="name"/> of <paramref name="work"/>; gone with the workspace.</summary>
    string OpenReadOnly(IReadOnlyList<string> lowers, Workspace work, string name);
}
