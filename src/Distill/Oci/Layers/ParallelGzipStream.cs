using System.Buffers;
using System.IO.Compression;

namespace Distill.Oci;

/// <summary>
/// A write-only gzip stream that compresses fixed-size chunks on several cores and writes them, in order, as
/// concatenated gzip members (RFC 1952 §2.2 allows several members; Go's, zlib's and .NET's readers all read them).
/// The chunk size is fixed, so the output is the same on every machine; input smaller than one chunk gives
/// exactly one member, as plain gzip would.
/// </summary>
public sealed class ParallelGzipStream(Stream output, int level = 6, int chunkSize = ParallelChunkStream.DefaultChunkSize, int? parallelism = null)
    : ParallelChunkStream(output, chunkSize, parallelism)
{
    private static ReadOnlySpan<byte> EmptyMember =>
        [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    protected override Compressed CompressChunk(ReadOnlySpan<byte> chunk)
    {
        // zlib's deflate grows incompressible data by 5 bytes per 16 KiB block at most, but zlib-ng's level 1
        // ("quick", .NET's zlib) by up to 1/8 (9-bit literals); gzip adds 18 bytes
        var buffer = ArrayPool<byte>.Shared.Rent(chunk.Length + chunk.Length / 8 + 1024);
        try
        {
            using var memory = new MemoryStream(buffer, writable: true);
            using (var gzip = new GZipStream(memory, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true))
                gzip.Write(chunk);
            if (memory.Position == 0)
            {
                // GZipStream writes nothing at all for no input: write the empty member that gzip -6 gives
                EmptyMember.CopyTo(buffer);
                return new Compressed(buffer, EmptyMember.Length);
            }
            return new Compressed(buffer, (int)memory.Position);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}
