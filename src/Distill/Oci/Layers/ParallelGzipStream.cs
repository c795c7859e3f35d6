using System.IO.Compression;

namespace Distill.Oci;

/// <summary>
/// A write-only gzip stream that compresses fixed-size chunks on several cores and writes them, in order, as
/// concatenated gzip members (RFC 1952 §2.2 allows several members; Go's, zlib's and .NET's readers all read them).
/// The chunk size is fixed, so the output is the same on every machine; input smaller than one chunk gives
/// exactly one member, as plain gzip would.
/// </summary>
public sealed class ParallelGzipStream : Stream
{
    public const int DefaultChunkSize = 4 << 20;

    private readonly Stream _output;
    private readonly int _chunkSize;
    private readonly int _level;
    private readonly int _maxInFlight;
    private readonly Queue<Task<byte[]>> _pending = new();
    private byte[] _chunk;
    private int _filled;

    public ParallelGzipStream(Stream output, int level = 6, int chunkSize = DefaultChunkSize, int? parallelism = null)
    {
        _output = output;
        _level = level;
        _chunkSize = chunkSize;
        _chunk = new byte[chunkSize];
        _maxInFlight = Math.Max(1, parallelism ?? Environment.ProcessorCount) + 1;
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            var n = Math.Min(buffer.Length, _chunkSize - _filled);
            buffer.Span[..n].CopyTo(_chunk.AsSpan(_filled));
            _filled += n;
            buffer = buffer[n..];
            if (_filled == _chunkSize)
                await SubmitChunk(cancellationToken);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Compresses what is buffered, writes every member and flushes the output.</summary>
    public async ValueTask CompleteAsync(CancellationToken ct = default)
    {
        if (_filled > 0 || (_pending.Count == 0 && !_anyChunk))
            await SubmitChunk(ct);
        while (_pending.Count > 0)
            await WriteNext(ct);
        await _output.FlushAsync(ct);
    }

    private bool _anyChunk;

    private async ValueTask SubmitChunk(CancellationToken ct)
    {
        _anyChunk = true;
        // bounded: wait for the oldest member before starting one more
        while (_pending.Count >= _maxInFlight)
            await WriteNext(ct);
        var data = _chunk;
        var length = _filled;
        _pending.Enqueue(Task.Run(() => Compress(data, length), ct));
        _chunk = new byte[_chunkSize];
        _filled = 0;
        while (_pending.Count > 0 && _pending.Peek().IsCompleted)
            await WriteNext(ct);
    }

    private async ValueTask WriteNext(CancellationToken ct) => await _output.WriteAsync(await _pending.Dequeue(), ct);

    private byte[] Compress(byte[] data, int length)
    {
        using var memory = new MemoryStream(length / 2 + 64);
        using (var gzip = new GZipStream(memory, new ZLibCompressionOptions { CompressionLevel = _level }, leaveOpen: true))
            gzip.Write(data, 0, length);
        return memory.ToArray();
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

}
