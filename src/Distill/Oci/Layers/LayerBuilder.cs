using ZstdSharp;

namespace Distill.Oci;

/// <summary>
/// Writes entries as one layer blob in a single pass: tar → sha256 (diffID) → compressor → sha256 (digest) → file.
/// The blob file lands in the staging directory under its digest.
/// </summary>
public static class LayerBuilder
{
    public static async Task<BuiltLayer> BuildAsync(IReadOnlyList<FileTreeEntry> entries, LayerBuildOptions options, CancellationToken ct)
    {
        var (temp, file) = BlobFiles.CreateTemp(options.StagingDirectory, "layer");
        try
        {
            Digest diffId, digest;
            long size, uncompressedSize;
            await using (file)
            {
                using var compressedHash = new HashingStream(file, leaveOpen: true);
                var compressor = OpenCompressor(compressedHash, options);
                using (var uncompressedHash = new HashingStream(compressor, leaveOpen: true))
                {
                    await using (var tar = new TarStreamWriter(uncompressedHash, leaveOpen: true))
                    {
                        foreach (var entry in entries)
                        {
                            if (entry.SourcePath is null)
                            {
                                await tar.WriteEntryAsync(entry.Header, null, ct);
                                continue;
                            }
                            await using var data = BlobFiles.OpenRead(entry.SourcePath);
                            await tar.WriteEntryAsync(entry.Header, data, ct);
                        }
                        await tar.FinishAsync(ct);
                    }
                    diffId = uncompressedHash.Digest;
                    uncompressedSize = uncompressedHash.Length64;
                }
                await CloseCompressor(compressor, ct);
                digest = compressedHash.Digest;
                size = compressedHash.Length64;
            }
            var target = Path.Combine(options.StagingDirectory, digest.Encoded);
            File.Move(temp, target, overwrite: true);
            var descriptor = new Descriptor { MediaType = MediaTypes.LayerFor(options.Compression, options.Docker), Digest = digest, Size = size };
            return new BuiltLayer(BlobLayer.FromBuiltFile(descriptor, diffId, target), uncompressedSize);
        }
        catch
        {
            BlobFiles.TryDelete(temp);
            throw;
        }
    }

    private static Stream OpenCompressor(Stream output, LayerBuildOptions options)
    {
        switch (options.Compression)
        {
            case LayerCompression.Gzip:
                return new ParallelGzipStream(output, options.Level ?? 6);
            case LayerCompression.Zstd:
                var zstd = new CompressionStream(output, options.Level ?? 3, leaveOpen: true);
                zstd.SetParameter(ZstdSharp.Unsafe.ZSTD_cParameter.ZSTD_c_nbWorkers, Environment.ProcessorCount);
                return zstd;
            default:
                return new NonClosingStream(output);
        }
    }

    private static async ValueTask CloseCompressor(Stream compressor, CancellationToken ct)
    {
        if (compressor is ParallelGzipStream gzip)
            await gzip.CompleteAsync(ct);
        await compressor.DisposeAsync();
    }

    /// <summary>Passes writes through and leaves the output open when disposed.</summary>
    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);
    }
}

/// <summary>A layer just written, with the size of its uncompressed tar (which no descriptor records).</summary>
public sealed record BuiltLayer(BlobLayer Layer, long UncompressedSize);

/// <summary>How a layer is written.</summary>
public sealed record LayerBuildOptions
{
    public required string StagingDirectory { get; init; }
    public LayerCompression Compression { get; init; } = LayerCompression.Gzip;
    /// <summary>Compression level; gzip 6 and zstd 3 by default.</summary>
    public int? Level { get; init; }
    public bool Docker { get; init; }
}
