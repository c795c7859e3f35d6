using Distill.Oci;

namespace Distill.Analysis.Inspect;

/// <summary>Counts the bytes read through it: the length of a layer's uncompressed tar, measured as it streams by.</summary>
internal sealed class CountingReadStream(Stream inner) : ReadOnlyStream
{
    public long BytesRead { get; private set; }

    public override long Length => throw new NotSupportedException();

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        BytesRead += n;
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken);
        BytesRead += n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            inner.Dispose();
        base.Dispose(disposing);
    }
}
