namespace Distill.Analysis.Inspect;

/// <summary>
/// The final filesystem (all layers merged, whiteouts applied): counts, the bytes of its regular files
/// (<see cref="FilesSize"/>; hard links counted once), the largest files and directories, and the whole tree
/// (<see cref="Root"/>, each node with its subtree's size) for views such as a treemap.
/// </summary>
public sealed record FilesystemSummary(long FilesSize, int FileCount, int DirectoryCount, int SymlinkCount, int OtherCount)
{
    public required IReadOnlyList<SizedPath> LargestFiles { get; init; }
    /// <summary>Directories other than <c>/</c> by the bytes under them (parents and children both listed).</summary>
    public required IReadOnlyList<SizedPath> LargestDirectories { get; init; }
    public required FileNode Root { get; init; }
}
