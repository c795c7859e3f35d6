using Distill.Oci;

namespace Distill.Analysis.Inspect;

/// <summary>
/// The merged filesystem, built bottom layer first from <see cref="LayerScan"/>s: a layer's opaque markers and
/// whiteouts remove what the layers below have, then its entries are added (a directory over a directory keeps its
/// children, anything else replaces the path). Between two layers it is the "lower" view dive stacks.
/// </summary>
internal sealed class FilesystemTree
{
    public FileNode Root { get; } = FileNode.CreateRoot();

    /// <summary>The node at a clean relative path (<c>usr/bin</c>; <c>""</c> is the root), or null.</summary>
    public FileNode? Lookup(string path)
    {
        if (path.Length == 0)
            return Root;
        var node = Root;
        foreach (var range in path.AsSpan().Split('/'))
        {
            node = node.Child(path[range]);
            if (node is null)
                return null;
        }
        return node;
    }

    public void Apply(LayerScan layer)
    {
        foreach (var entry in layer.Entries)
        {
            if (entry.Role == LayerEntryRole.Opaque && Lookup(entry.Path) is { IsDirectory: true } dir)
                dir.ClearChildren();
        }
        foreach (var entry in layer.Entries)
        {
            if (entry.Role == LayerEntryRole.Whiteout && Lookup(entry.Path) is { Parent: { } parent } removed)
                parent.RemoveChild(removed.Name);
        }
        foreach (var entry in layer.Entries)
        {
            if (entry.Role != LayerEntryRole.Content)
                continue;
            var slash = entry.Path.LastIndexOf('/');
            var parent = slash < 0 ? Root : Directory(entry.Path[..slash]);
            var name = entry.Path[(slash + 1)..];
            if (parent.Child(name) is { IsDirectory: true } existing && entry.Kind == TarEntryKind.Directory)
                existing.Update(entry, layer.Index);
            else
                parent.SetChild(new FileNode(name, parent, entry, layer.Index));
        }
    }

    /// <summary>Sets <see cref="FileNode.TotalSize"/> everywhere (once all layers are applied).</summary>
    public void ComputeTotals() => Total(Root);

    /// <summary>Bytes of the files under a node now (dive's size of a directory a whiteout removes).</summary>
    public static long SubtreeBytes(FileNode node)
    {
        long sum = node.Size;
        foreach (var child in node.Children)
            sum += SubtreeBytes(child);
        return sum;
    }

    private static long Total(FileNode node)
    {
        long sum = node.Size;
        foreach (var child in node.Children)
            sum += Total(child);
        node.TotalSize = sum;
        return sum;
    }

    /// <summary>The directory at a path, made (implied, layer -1) where missing; a non-directory in the way is replaced.</summary>
    private FileNode Directory(string path)
    {
        var node = Root;
        foreach (var range in path.AsSpan().Split('/'))
        {
            var name = path[range];
            var child = node.Child(name);
            if (child is not { IsDirectory: true })
            {
                child = new FileNode(name, node, new LayerEntry(name, LayerEntryRole.Content, TarEntryKind.Directory, 0x1ed, 0, 0, 0, ""), -1);
                node.SetChild(child);
            }
            node = child;
        }
        return node;
    }
}
