using System.IO.Compression;
using ZstdSharp;

namespace Distill.Oci;

/// <summary>Compression and decompression of layer streams.</summary>
public static class LayerStreams
{
    /// <summary>A stream of the uncompressed tar; takes ownership of <paramref name="blob"/>.</summary>
    public static Stream Decompress(Stream blob, LayerCompression compression) => compression switch
    {
        LayerCompression.None => blob,
        // GZipStream reads concatenated members, which is how parallel-compressed layers are laid out
        LayerCompression.Gzip => new GZipStream(blob, CompressionMode.Decompress),
        LayerCompression.Zstd => new DecompressionStream(blob),
        _ => throw new ArgumentOutOfRangeException(nameof(compression)),
    };

    /// <summary>The compression a blob's first bytes show (gzip and zstd magic numbers), else none.</summary>
    public static LayerCompression Detect(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 2 && head[0] == 0x1f && head[1] == 0x8b)
            return LayerCompression.Gzip;
        if (head.Length >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd)
            return LayerCompression.Zstd;
        return LayerCompression.None;
    }

    /// <summary>Parses <c>gzip</c>, <c>zstd</c> or <c>none</c> (as <c>--compression</c> takes it).</summary>
    public static LayerCompression ParseCompression(string value) => value.ToLowerInvariant() switch
    {
        "gzip" => LayerCompression.Gzip,
        "zstd" => LayerCompression.Zstd,
        "none" or "uncompressed" => LayerCompression.None,
        _ => throw new FormatException($"unknown compression \"{value}\": use gzip, zstd or none"),
    };
}
