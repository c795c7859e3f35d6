namespace Distill.Dockerfile;

/// <summary>What a build-context entry is (symbolic links are never followed).</summary>
public enum ContextEntryKind
{
    File,
    Directory,
    Symlink,

    /// <summary>A FIFO, socket or device node.</summary>
    Other,
}
