using System.IO.Compression;
using Distill.Oci;

namespace Distill.Tests.Support;

/// <summary>An <see cref="ILayer"/> over a tar held in memory, gzip-compressed or not: for tests of what reads layers.</summary>
public sealed class InMemoryLayer : ILayer
{
    private readonly byte[] _blob;
    private readonly LayerCompression _compression;

    private InMemoryLayer(byte[] blob, Digest diffId, LayerCompression compression)
    {
        _blob = blob;
        _compression = compression;
        DiffId = diffId;
        Descriptor = Descriptor.For(MediaTypes.LayerFor(compression, docker: false), blob);
    }

    public Descriptor Descriptor { get; }
    public Digest DiffId { get; }

    public static InMemoryLayer FromTar(byte[] tar, LayerCompression compression = LayerCompression.None)
    {
        var blob = tar;
        if (compression == LayerCompression.Gzip)
        {
            using var memory = new MemoryStream();
            using (var gzip = new GZipStream(memory, CompressionLevel.Fastest, leaveOpen: true))
                gzip.Write(tar);
            blob = memory.ToArray();
        }
        else if (compression != LayerCompression.None)
        {
            throw new ArgumentOutOfRangeException(nameof(compression), "in-memory layers are tar or tar+gzip");
        }
        return new InMemoryLayer(blob, Digest.Compute(tar), compression);
    }

    public static async Task<InMemoryLayer> FromEntriesAsync(IEnumerable<(TarEntryHeader Header, byte[]? Data)> entries, LayerCompression compression = LayerCompression.None) =>
        FromTar(await TarBytes.WriteAsync(entries), compression);

    public ValueTask<Stream> OpenCompressedAsync(CancellationToken ct) => ValueTask.FromResult<Stream>(new MemoryStream(_blob, writable: false));

    public ValueTask<Stream> OpenUncompressedAsync(CancellationToken ct) =>
        ValueTask.FromResult(LayerStreams.Decompress(new MemoryStream(_blob, writable: false), _compression));
}
