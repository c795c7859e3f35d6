namespace Distill.Oci;

/// <summary>
/// An image index with its images (<see href="https://github.com/opencontainers/image-spec/blob/main/image-index.md">image-index.md</see>):
/// what <c>copy --all</c> moves. The index keeps its exact bytes while every entry is carried, so its digest stays.
/// </summary>
public sealed class MultiPlatformImage
{
    private MultiPlatformImage(byte[] indexBytes, ImageIndex index, string mediaType, IReadOnlyList<IImage> images)
    {
        IndexBytes = indexBytes;
        Index = index;
        Images = images;
        IndexDescriptor = new Descriptor { MediaType = mediaType, Digest = Digest.Compute(indexBytes), Size = indexBytes.Length };
    }

    public ReadOnlyMemory<byte> IndexBytes { get; }
    public ImageIndex Index { get; }
    public Descriptor IndexDescriptor { get; }
    public IReadOnlyList<IImage> Images { get; }

    /// <summary>From stored bytes: <paramref name="images"/> are the entries' images, in index order.</summary>
    public static MultiPlatformImage FromBytes(byte[] indexBytes, string mediaType, IReadOnlyList<IImage> images, string what)
    {
        var index = OciJson.ParseIndex(indexBytes, what);
        var entries = index.Manifests.Where(d => MediaTypes.IsManifest(d.MediaType)).ToList();
        if (entries.Count != index.Manifests.Count || entries.Count != images.Count
            || !entries.Select(e => e.Digest).SequenceEqual(images.Select(i => i.ManifestDescriptor.Digest)))
            return Create(images, index.Annotations, MediaTypes.IsDocker(mediaType));
        return new MultiPlatformImage(indexBytes, index, mediaType, images);
    }

    /// <summary>A new index over <paramref name="images"/>, each entry with its platform.</summary>
    public static MultiPlatformImage Create(IReadOnlyList<IImage> images, IReadOnlyDictionary<string, string>? annotations = null, bool docker = false)
    {
        var index = new ImageIndex
        {
            SchemaVersion = 2,
            MediaType = docker ? MediaTypes.DockerManifestList : MediaTypes.OciIndex,
            Manifests = images.Select(i => i.ManifestDescriptor).ToList(),
            Annotations = annotations,
        };
        return new MultiPlatformImage(OciJson.Serialize(index), index, index.MediaType, images);
    }

    /// <summary>The same with OCI media types throughout (for OCI layouts); unchanged when it already is.</summary>
    public MultiPlatformImage ToOci()
    {
        if (!MediaTypes.IsDocker(IndexDescriptor.MediaType) && Images.All(i => !i.Manifest.IsDocker))
            return this;
        return Create(Images.Select(Mutate.ToOci).ToList(), Index.Annotations);
    }
}
