using Distill.Oci;

namespace Distill.Analysis.Inspect;

/// <summary>
/// One path of an image's final filesystem (whiteouts applied), with the layer that last wrote it and, for a
/// directory, its children and the bytes of the regular files under it — what a size treemap or a "largest
/// directories" list needs. Hard links count no bytes of their own (they share their target's data).
/// </summary>
public sealed class FileNode
{
    private Dictionary<string, FileNode>? _children;

    internal FileNode(string name, FileNode? parent, LayerEntry entry, int layer)
    {
        Name = name;
        Parent = parent;
        Update(entry, layer);
    }

    /// <summary>The root directory <c>/</c>.</summary>
    internal static FileNode CreateRoot() =>
        new("", null, new LayerEntry("", LayerEntryRole.Content, TarEntryKind.Directory, 0x1ed, 0, 0, 0, ""), -1);

    public string Name { get; }
    public FileNode? Parent { get; }
    public TarEntryKind Kind { get; private set; }
    /// <summary>Permission bits with setuid, setgid and sticky (<c>07777</c>).</summary>
    public int Mode { get; private set; }
    public int Uid { get; private set; }
    public int Gid { get; private set; }
    /// <summary>The file's own bytes (0 for anything but a regular file).</summary>
    public long Size { get; private set; }
    /// <summary>A symlink's target as written, or the absolute path a hard link shares data with.</summary>
    public string LinkTarget { get; private set; } = "";
    /// <summary>The layer (bottom = 0) that last wrote this entry; -1 for a directory no layer names (implied by its children).</summary>
    public int Layer { get; private set; }
    /// <summary>Bytes of the regular files in this subtree (a file's own size for a file), once the tree is complete.</summary>
    public long TotalSize { get; internal set; }

    public IReadOnlyCollection<FileNode> Children => _children is null ? [] : _children.Values;

    /// <summary>The absolute path, <c>/usr/bin/bash</c>.</summary>
    public string Path => Parent is null ? "/" : Parent.Parent is null ? "/" + Name : Parent.Path + "/" + Name;

    public bool IsDirectory => Kind == TarEntryKind.Directory;

    internal FileNode? Child(string name) => _children is not null && _children.TryGetValue(name, out var child) ? child : null;

    internal void SetChild(FileNode child) => (_children ??= new(StringComparer.Ordinal))[child.Name] = child;

    internal void RemoveChild(string name) => _children?.Remove(name);

    internal void ClearChildren() => _children = null;

    /// <summary>Takes a new entry's metadata for the same path (a directory written again keeps its children).</summary>
    internal void Update(LayerEntry entry, int layer)
    {
        Kind = entry.Kind;
        Mode = entry.Mode;
        Uid = entry.Uid;
        Gid = entry.Gid;
        Size = entry.Kind == TarEntryKind.File ? entry.Size : 0;
        LinkTarget = entry.Kind == TarEntryKind.Hardlink ? "/" + entry.LinkTarget : entry.LinkTarget;
        Layer = layer;
        if (entry.Kind != TarEntryKind.Directory)
            _children = null;
    }

    public override string ToString() => Path;
}
