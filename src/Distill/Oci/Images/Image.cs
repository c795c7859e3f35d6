namespace Distill.Oci;

/// <summary>The one implementation of <see cref="IImage"/>: checked parts, built from bytes or from typed values.</summary>
public sealed class Image : IImage
{
    private Image(byte[] manifestBytes, ImageManifest manifest, string manifestMediaType, byte[] configBytes, ImageConfig config, IReadOnlyList<ILayer> layers)
    {
        ManifestBytes = manifestBytes;
        Manifest = manifest;
        ConfigBytes = configBytes;
        Config = config;
        Layers = layers;
        ManifestDescriptor = new Descriptor
        {
            MediaType = manifestMediaType,
            Digest = Digest.Compute(manifestBytes),
            Size = manifestBytes.Length,
            Platform = config.Platform with { OsVersion = null },
        };
    }

    public ReadOnlyMemory<byte> ManifestBytes { get; }
    public ImageManifest Manifest { get; }
    public Descriptor ManifestDescriptor { get; }
    public ReadOnlyMemory<byte> ConfigBytes { get; }
    public ImageConfig Config { get; }
    public IReadOnlyList<ILayer> Layers { get; }

    /// <summary>
    /// An image from stored bytes. <paramref name="what"/> names the source in errors. Checks that the config bytes
    /// match the manifest's config descriptor and that layers and diffIDs agree.
    /// </summary>
    public static Image FromBytes(byte[] manifestBytes, byte[] configBytes, Func<int, Descriptor, Digest, ILayer> layerFor, string what)
    {
        var mediaType = OciJson.DetectManifestMediaType(manifestBytes, $"{what}: manifest");
        if (!MediaTypes.IsManifest(mediaType))
            throw new InvalidImageException($"{what}: expected an image manifest, found {mediaType}");
        var manifest = OciJson.ParseManifest(manifestBytes, $"{what}: manifest");
        Verify(manifest.Config, configBytes, $"{what}: config");
        var config = OciJson.ParseConfig(configBytes, $"{what}: config {manifest.Config.Digest}");
        if (config.RootFs.DiffIds.Count != manifest.Layers.Count)
            throw new InvalidImageException($"{what}: manifest has {manifest.Layers.Count} layers but config has {config.RootFs.DiffIds.Count} diff_ids");
        var layers = manifest.Layers.Select((d, i) => layerFor(i, d, config.RootFs.DiffIds[i])).ToList();
        return new Image(manifestBytes, manifest, mediaType, configBytes, config, layers);
    }

    /// <summary>A new image from a typed config and layers: config and manifest are serialised here.</summary>
    public static Image Create(ImageConfig config, IReadOnlyList<ILayer> layers, ImageOptions? options = null)
    {
        options ??= ImageOptions.Default;
        if (config.RootFs.DiffIds.Count != layers.Count || !config.RootFs.DiffIds.SequenceEqual(layers.Select(l => l.DiffId)))
            config = config with { RootFs = config.RootFs with { DiffIds = layers.Select(l => l.DiffId).ToList() } };
        var configBytes = OciJson.Serialize(config);
        var manifest = new ImageManifest
        {
            MediaType = options.Docker ? MediaTypes.DockerManifest : MediaTypes.OciManifest,
            Config = Descriptor.For(options.Docker ? MediaTypes.DockerConfig : MediaTypes.OciConfig, configBytes),
            Layers = layers.Select(l => l.Descriptor).ToList(),
            Annotations = options.Annotations is { Count: > 0 } ? options.Annotations : null,
        };
        var manifestBytes = OciJson.Serialize(manifest);
        return new Image(manifestBytes, manifest, manifest.MediaType!, configBytes, config, layers);
    }

    /// <summary>Throws unless <paramref name="content"/> has the descriptor's size and digest.</summary>
    public static void Verify(Descriptor descriptor, ReadOnlySpan<byte> content, string what)
    {
        if (content.Length != descriptor.Size)
            throw new InvalidImageException($"{what} {descriptor.Digest}: size {content.Length} does not match descriptor size {descriptor.Size}");
        var actual = descriptor.Digest.ComputeSame(content);
        if (actual != descriptor.Digest)
            throw new InvalidImageException($"{what}: digest mismatch: expected {descriptor.Digest}, content has {actual}");
    }
}

/// <summary>How <see cref="Image.Create"/> writes the manifest.</summary>
public sealed record ImageOptions
{
    public static ImageOptions Default { get; } = new();
    /// <summary>Docker schema 2 media types instead of OCI.</summary>
    public bool Docker { get; init; }
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}
