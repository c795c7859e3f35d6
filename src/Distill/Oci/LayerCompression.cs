namespace Distill.Oci;

/// <summary>How a layer's tar stream is compressed.</summary>
public enum LayerCompression
{
    None,
    Gzip,
    Zstd,
}
