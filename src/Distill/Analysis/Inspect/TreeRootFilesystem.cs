using Distill.Oci;

namespace Distill.Analysis.Inspect;

/// <summary>
/// The merged tree seen as an <see cref="IRootFilesystem"/>, so <see cref="RootPath.Resolve"/> follows its symlinks
/// as the kernel would. Metadata only: inspect reads every file it needs during its single pass, so this view reads no bytes.
/// </summary>
internal sealed class TreeRootFilesystem(FilesystemTree tree) : IRootFilesystem
{
    public string Description => "inspected image";

    public RootEntry? Lstat(string path)
    {
        if (Find(path) is not { } node)
            return null;
        if (node.Kind != TarEntryKind.Hardlink)
            return Entry(node);
        // a hard link is the file it links to, under its own name
        return Find(node.LinkTarget) is { Kind: TarEntryKind.File } target
            ? new RootEntry(path, TarEntryKind.File, node.Mode, node.Uid, node.Gid, target.Size)
            : null;
    }

    public IReadOnlyList<string> List(string directory) => Find(directory) is { } node ? node.Children.Select(c => c.Name).ToList() : [];

    public ValueTask<IReadOnlyDictionary<string, byte[]>> ReadFilesAsync(IReadOnlyCollection<string> paths, long limit, CancellationToken ct) =>
        ValueTask.FromResult<IReadOnlyDictionary<string, byte[]>>(new Dictionary<string, byte[]>());

    private FileNode? Find(string path) => tree.Lookup(path.Trim('/'));

    private static RootEntry Entry(FileNode node) => new(node.Path, node.Kind, node.Mode, node.Uid, node.Gid, node.Size, node.LinkTarget);
}
