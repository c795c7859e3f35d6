namespace Distill.Oci;

/// <summary>
/// A layer: its blob descriptor (compressed digest and size), its diffID (digest of the uncompressed tar) and
/// factories for its bytes. Nothing is read until a stream is opened.
/// </summary>
public interface ILayer
{
    Descriptor Descriptor { get; }
    Digest DiffId { get; }
    ValueTask<Stream> OpenCompressedAsync(CancellationToken ct);
    ValueTask<Stream> OpenUncompressedAsync(CancellationToken ct);
}
