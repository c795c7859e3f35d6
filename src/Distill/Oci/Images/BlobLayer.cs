namespace Distill.Oci;

/// <summary>A layer whose blob comes from a stream factory (a file, an archive member, a registry response).</summary>
public sealed class BlobLayer : ILayer
{
    private readonly Func<CancellationToken, ValueTask<Stream>> _open;

    public BlobLayer(Descriptor descriptor, Digest diffId, Func<CancellationToken, ValueTask<Stream>> open)
    {
        Descriptor = descriptor;
        DiffId = diffId;
        _open = open;
    }

    public Descriptor Descriptor { get; }
    public Digest DiffId { get; }

    /// <summary>A layer Distill has just written to <paramref name="path"/>: trusted, so sinks may hard-link it.</summary>
    public static BlobLayer FromBuiltFile(Descriptor descriptor, Digest diffId, string path) =>
        new(descriptor, diffId, _ => ValueTask.FromResult<Stream>(BlobFiles.OpenRead(path)))
        {
            FilePath = path,
        };

    /// <summary>A layer read from a source's file (an OCI layout blob); its bytes are verified as they are read.</summary>
    public static BlobLayer FromSourceFile(Descriptor descriptor, Digest diffId, string path, string what) =>
        new(descriptor, diffId, _ => ValueTask.FromResult<Stream>(new VerifyingStream(BlobFiles.OpenRead(path), descriptor, what)));

    /// <summary>The file holding a blob Distill wrote itself, when there is one (lets sinks hard-link instead of copying).</summary>
    public string? FilePath { get; private init; }

    public ValueTask<Stream> OpenCompressedAsync(CancellationToken ct) => _open(ct);

    public async ValueTask<Stream> OpenUncompressedAsync(CancellationToken ct) =>
        LayerStreams.Decompress(await _open(ct), MediaTypes.CompressionOf(Descriptor.MediaType));

    /// <summary>The same blob under another media type (Docker ↔ OCI conversion keeps the bytes).</summary>
    public BlobLayer WithMediaType(string mediaType) =>
        new(Descriptor with { MediaType = mediaType }, DiffId, _open) { FilePath = FilePath };
}
