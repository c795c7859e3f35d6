namespace Distill.Analysis.Inspect;

/// <summary>What a layer's tar entry does to the filesystem below it (OCI layer.md, whiteouts).</summary>
public enum LayerEntryRole
{
    /// <summary>Adds or replaces the path.</summary>
    Content,
    /// <summary><c>.wh.NAME</c>: removes NAME from the layers below.</summary>
    Whiteout,
    /// <summary><c>.wh..wh..opq</c>: hides everything the layers below have in the directory.</summary>
    Opaque,
}
