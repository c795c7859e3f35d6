using System.Buffers;

namespace Distill.Oci;

/// <summary>
/// A write-only stream that cuts its input into fixed-size chunks, compresses each one on the thread pool as an
/// independent unit (a gzip member, a zstd frame) and writes them in order. Chunk boundaries depend only on the
/// chunk size, never on timing or the number of cores, so the output is the same on every machine.
/// </summary>
/// <remarks>
/// Writes are synchronous: when <c>parallelism + 1</c> chunks are being compressed, a write waits for the oldest
/// one and writes it out. Meant for a producer on its own thread (see <see cref="LayerBuilder"/>); the async
/// methods complete synchronously so that a tar writer above never hops threads.
/// </remarks>
public abstract class ParallelChunkStream : Stream
{
    public const int DefaultChunkSize = 4 << 20;

    private readonly Stream _output;
    private readonly int _chunkSize;
    private readonly int _maxInFlight;
    private readonly Queue<Task<Compressed>> _pending = new();
    private byte[]? _chunk;
    private int _filled;
    private bool _anyChunk, _completed;

    protected ParallelChunkStream(Stream output, int chunkSize, int? parallelism)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        _output = output;
        _chunkSize = chunkSize;
        _maxInFlight = Math.Max(1, parallelism ?? Environment.ProcessorCount) + 1;
    }

    /// <summary>A compressed chunk in a pooled buffer: <c>Buffer[..Length]</c>.</summary>
    protected readonly record struct Compressed(byte[] Buffer, int Length);

    /// <summary>Compresses one chunk into a buffer rented from <see cref="ArrayPool{T}.Shared"/>; runs on the thread pool.</summary>
    protected abstract Compressed CompressChunk(ReadOnlySpan<byte> chunk);

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        while (!buffer.IsEmpty)
        {
            _chunk ??= ArrayPool<byte>.Shared.Rent(_chunkSize);
            var n = Math.Min(buffer.Length, _chunkSize - _filled);
            buffer[..n].CopyTo(_chunk.AsSpan(_filled));
            _filled += n;
            buffer = buffer[n..];
            if (_filled == _chunkSize)
                SubmitChunk();
        }
    }

    public override void WriteByte(byte value) => Write([value]);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Compresses what is buffered, writes every chunk and flushes the output. Empty input gives one empty chunk.</summary>
    public void Complete()
    {
        if (_completed)
            return;
        if (_filled > 0 || !_anyChunk)
            SubmitChunk();
        while (_pending.Count > 0)
            WriteOldest();
        _completed = true;
        _output.Flush();
    }

    /// <summary>See <see cref="Complete"/>.</summary>
    public ValueTask CompleteAsync(CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        Complete();
        return ValueTask.CompletedTask;
    }

    private void SubmitChunk()
    {
        _anyChunk = true;
        // bounded: wait for the oldest chunk before starting one more
        while (_pending.Count >= _maxInFlight)
            WriteOldest();
        var data = _chunk ?? ArrayPool<byte>.Shared.Rent(1);
        var length = _filled;
        _pending.Enqueue(Task.Run(() =>
        {
            try
            {
                return CompressChunk(data.AsSpan(0, length));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(data);
            }
        }));
        _chunk = null;
        _filled = 0;
        // write out whatever is done already, without waiting
        while (_pending.Count > 0 && _pending.Peek().IsCompleted)
            WriteOldest();
    }

    private void WriteOldest()
    {
        var compressed = _pending.Dequeue().GetAwaiter().GetResult();
        try
        {
            _output.Write(compressed.Buffer, 0, compressed.Length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compressed.Buffer);
        }
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // not completed (an error above): let the chunks being compressed finish, drop them
            foreach (var task in _pending)
            {
                try
                {
                    ArrayPool<byte>.Shared.Return(task.GetAwaiter().GetResult().Buffer);
                }
                catch (Exception)
                {
                    // the error that stopped the writer is the one to report
                }
            }
            _pending.Clear();
            if (_chunk is not null)
                ArrayPool<byte>.Shared.Return(_chunk);
            _chunk = null;
            _completed = true;
        }
        base.Dispose(disposing);
    }
}
