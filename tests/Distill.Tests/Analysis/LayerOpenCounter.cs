using Distill.Oci;

namespace Distill.Tests.Analysis;

/// <summary>A layer that counts how often its bytes are opened (to prove an analysis reads each layer once).</summary>
public sealed class LayerOpenCounter(ILayer inner) : ILayer
{
    private int _opens;

    public int Opens => _opens;
    public Descriptor Descriptor => inner.Descriptor;
    public Digest DiffId => inner.DiffId;

    public ValueTask<Stream> OpenCompressedAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref _opens);
        return inner.OpenCompressedAsync(ct);
    }

    public ValueTask<Stream> OpenUncompressedAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref _opens);
        return inner.OpenUncompressedAsync(ct);
    }
}
