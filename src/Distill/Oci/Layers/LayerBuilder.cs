namespace Distill.Oci;

/// <summary>
/// Writes entries as one layer blob in a single pass: tar → sha256 (diffID) → compressor → sha256 (digest) → file.
/// The blob file lands in the staging directory under its digest. Compression is in fixed-size chunks on every core
/// (<see cref="ParallelChunkStream"/>), so the blob is the same whatever the number of cores.
/// </summary>
public static class LayerBuilder
{
    // layers built at once (--split-layers): each one's chunks already keep every core busy, more only take memory
    private static readonly SemaphoreSlim s_builders = new(Environment.ProcessorCount);

    public static async Task<BuiltLayer> BuildAsync(IReadOnlyList<FileTreeEntry> entries, LayerBuildOptions options, CancellationToken ct)
    {
        await s_builders.WaitAsync(ct);
        try
        {
            // The producer (read files → tar → sha256) runs on a thread of its own, the compressor's chunks on the thread
            // pool; every stream in between completes synchronously, so the producer never waits behind a chunk in the
            // pool's queue.
            return await Task.Factory.StartNew(() => Build(entries, options, ct), ct, TaskCreationOptions.LongRunning, TaskScheduler.Default)
                .Unwrap();
        }
        finally
        {
            s_builders.Release();
        }
    }

    private static async Task<BuiltLayer> Build(IReadOnlyList<FileTreeEntry> entries, LayerBuildOptions options, CancellationToken ct)
    {
        Directory.CreateDirectory(options.StagingDirectory);
        var temp = BlobFiles.TempPath(options.StagingDirectory, "layer");
        try
        {
            Digest diffId, digest;
            long size, uncompressedSize;
            // synchronous writes: compressed chunks are large, and async ones would go through the thread pool
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.None))
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
                            await using var data = new HostFileReadStream(entry.SourcePath);
                            await tar.WriteEntryAsync(entry.Header, data, ct);
                        }
                        await tar.FinishAsync(ct);
                    }
                    diffId = uncompressedHash.Digest;
                    uncompressedSize = uncompressedHash.Length64;
                }
                CloseCompressor(compressor);
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

    private static Stream OpenCompressor(Stream output, LayerBuildOptions options) => options.Compression switch
    {
        LayerCompression.Gzip => new ParallelGzipStream(output, options.Level ?? 6),
        LayerCompression.Zstd => new ParallelZstdStream(output, options.Level ?? 3),
        _ => new NonClosingStream(output),
    };

    private static void CloseCompressor(Stream compressor)
    {
        if (compressor is ParallelChunkStream chunks)
            chunks.Complete();
        compressor.Dispose();
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
        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            inner.Write(buffer.Span);
            return ValueTask.CompletedTask;
        }
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
