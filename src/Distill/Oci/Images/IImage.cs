namespace Distill.Oci;

/// <summary>
/// An image: an immutable value of manifest, config and layers. The manifest and config keep the exact bytes they
/// were read with, so an image copied without change keeps its digest. Layer bytes are opened lazily.
/// <see cref="Mutate"/> returns new images.
/// </summary>
public interface IImage
{
    /// <summary>The manifest as stored; its digest is the image's digest.</summary>
    ReadOnlyMemory<byte> ManifestBytes { get; }
    ImageManifest Manifest { get; }
    /// <summary>Media type, digest and size of <see cref="ManifestBytes"/>, with the platform.</summary>
    Descriptor ManifestDescriptor { get; }
    ReadOnlyMemory<byte> ConfigBytes { get; }
    ImageConfig Config { get; }
    IReadOnlyList<ILayer> Layers { get; }
}
