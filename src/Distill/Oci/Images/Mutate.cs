namespace Distill.Oci;

/// <summary>Functions that return a new image from an image; none changes its input.</summary>
public static class Mutate
{
    /// <summary>Appends layers with one history entry each.</summary>
    public static IImage AppendLayers(IImage image, IReadOnlyList<(ILayer Layer, HistoryEntry History)> additions)
    {
        if (additions.Count == 0)
            return image;
        var history = (image.Config.History ?? []).Concat(additions.Select(a => a.History)).ToList();
        var layers = image.Layers.Concat(additions.Select(a => a.Layer)).ToList();
        var config = image.Config with
        {
            History = history,
            RootFs = image.Config.RootFs with { DiffIds = layers.Select(l => l.DiffId).ToList() },
        };
        return Image.Create(config, layers, new ImageOptions { Docker = image.Manifest.IsDocker, Annotations = image.Manifest.Annotations });
    }

    /// <summary>Replaces the config (rootfs is kept in step with the layers).</summary>
    public static IImage WithConfig(IImage image, Func<ImageConfig, ImageConfig> change) =>
        Image.Create(change(image.Config), image.Layers, new ImageOptions { Docker = image.Manifest.IsDocker, Annotations = image.Manifest.Annotations });

    /// <summary>Sets the manifest's annotations.</summary>
    public static IImage WithAnnotations(IImage image, IReadOnlyDictionary<string, string>? annotations) =>
        Image.Create(image.Config, image.Layers, new ImageOptions { Docker = image.Manifest.IsDocker, Annotations = annotations });

    /// <summary>
    /// The image with OCI media types (for sinks that hold only OCI manifests). Blobs are unchanged; the config bytes
    /// too, so the config digest stays. An image already OCI is returned as it is.
    /// </summary>
    public static IImage ToOci(IImage image)
    {
        if (!image.Manifest.IsDocker)
            return image;
        var layers = image.Layers.Select(l => l is BlobLayer blob
            ? blob.WithMediaType(ToOciLayerType(l.Descriptor.MediaType))
            : (ILayer)new ConvertedLayer(l, ToOciLayerType(l.Descriptor.MediaType))).ToList();
        var manifest = new ImageManifest
        {
            MediaType = MediaTypes.OciManifest,
            Config = image.Manifest.Config with { MediaType = MediaTypes.OciConfig },
            Layers = layers.Select(l => l.Descriptor).ToList(),
            Annotations = image.Manifest.Annotations,
        };
        var manifestBytes = OciJson.Serialize(manifest);
        return Image.FromBytes(manifestBytes, image.ConfigBytes.ToArray(), (i, _, _) => layers[i], "converted image");
    }

    private static string ToOciLayerType(string mediaType) => mediaType switch
    {
        MediaTypes.DockerLayer => MediaTypes.OciLayer,
        MediaTypes.DockerLayerGzip => MediaTypes.OciLayerGzip,
        MediaTypes.DockerLayerZstd => MediaTypes.OciLayerZstd,
        MediaTypes.DockerForeignLayerGzip => MediaTypes.OciLayerNonDistributableGzip,
        _ => mediaType,
    };

    /// <summary>A layer seen under another media type; the bytes are the same.</summary>
    private sealed class ConvertedLayer(ILayer inner, string mediaType) : ILayer
    {
        public Descriptor Descriptor { get; } = inner.Descriptor with { MediaType = mediaType };
        public Digest DiffId => inner.DiffId;
        public ValueTask<Stream> OpenCompressedAsync(CancellationToken ct) => inner.OpenCompressedAsync(ct);
        public ValueTask<Stream> OpenUncompressedAsync(CancellationToken ct) => inner.OpenUncompressedAsync(ct);
    }
}
