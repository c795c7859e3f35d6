using Distill.Oci;

namespace Distill.Registry;

/// <summary>A layer in a registry repository: opened lazily as a resumable, verified download; its location lets a push to the same registry mount it.</summary>
public sealed class RegistryLayer(RegistryClient client, RegistryLocation location, Descriptor descriptor, Digest diffId) : IRefetchableLayer
{
    public Descriptor Descriptor { get; } = descriptor;
    public Digest DiffId { get; } = diffId;
    public RegistryLocation Location { get; } = location;

    public async ValueTask<Stream> OpenCompressedAsync(CancellationToken ct) => await client.OpenBlobAsync(Location, Descriptor, ct);

    public async ValueTask<Stream> OpenUncompressedAsync(CancellationToken ct) =>
        LayerStreams.Decompress(await OpenCompressedAsync(ct), MediaTypes.CompressionOf(Descriptor.MediaType));
}
