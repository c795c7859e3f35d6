using System.Buffers;
using ZstdSharp;

namespace Distill.Oci;

/// <summary>
/// A write-only zstd stream that compresses fixed-size chunks on several cores and writes them, in order, as
/// concatenated zstd frames (RFC 8878 §3: a stream is any number of frames; zstd's, Go's and ZstdSharp's readers
/// read them). Unlike zstd's own multi-threaded mode, the bytes depend only on the level and the chunk size.
/// </summary>
public sealed class ParallelZstdStream(Stream output, int level = 3, int chunkSize = ParallelChunkStream.DefaultChunkSize, int? parallelism = null)
    : ParallelChunkStream(output, chunkSize, parallelism)
{
    [ThreadStatic]
    private static Compressor? t_compressor;
    [ThreadStatic]
    private static int t_level;

    protected override Compressed CompressChunk(ReadOnlySpan<byte> chunk)
    {
        // a compression context is a few MiB of tables: keep one per pool thread
        if (t_compressor is null || t_level != level)
        {
            t_compressor?.Dispose();
            t_compressor = new Compressor(level);
            t_level = level;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(Compressor.GetCompressBound(chunk.Length));
        try
        {
            return new Compressed(buffer, t_compressor.Wrap(chunk, buffer));
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}
