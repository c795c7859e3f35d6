namespace Distill.Oci;

/// <summary>
/// Hears about blob transfers (copy, pull, push) so a front end can show them: a blob starts, bytes move, it ends
/// (or was skipped because the destination had it). Implementations must be thread-safe: blobs move in parallel.
/// </summary>
public interface ITransferProgress
{
    void Started(Descriptor blob);
    void Advanced(Descriptor blob, long bytes);
    void Finished(Descriptor blob, bool skipped);
}

/// <summary>Reports nothing.</summary>
public sealed class NoTransferProgress : ITransferProgress
{
    public static NoTransferProgress Instance { get; } = new();
    public void Started(Descriptor blob) { }
    public void Advanced(Descriptor blob, long bytes) { }
    public void Finished(Descriptor blob, bool skipped) { }
}

/// <summary>A read stream that reports the bytes read through it.</summary>
public sealed class ProgressStream(Stream inner, Descriptor blob, ITransferProgress progress) : ReadOnlyStream
{
    public override int Read(Span<byte> buffer) => Report(inner.Read(buffer));
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => Report(await inner.ReadAsync(buffer, cancellationToken));
    public override long Length => inner.Length;

    private int Report(int n)
    {
        if (n > 0)
            progress.Advanced(blob, n);
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            inner.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>
/// The progress listener of the current operation. Ambient (an <see cref="AsyncLocal{T}"/>) rather than a parameter
/// of every reader and writer: progress is a front-end concern that the transports only pass through.
/// </summary>
public static class TransferReporting
{
    private static readonly AsyncLocal<ITransferProgress?> Ambient = new();

    public static ITransferProgress Current
    {
        get => Ambient.Value ?? NoTransferProgress.Instance;
        set => Ambient.Value = value;
    }
}
