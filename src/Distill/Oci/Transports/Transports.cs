namespace Distill.Oci;

/// <summary>
/// Reads and writes images by reference, whatever the transport: the one place that maps a reference to its
/// source or sink. <c>distill copy</c> is <c>WriteAsync(await ReadAsync(src), dest)</c>.
/// </summary>
public static class Transports
{
    public static async Task<IImage> ReadAsync(ImageReference reference, TransportOptions options, CancellationToken ct) => reference switch
    {
        OciLayoutReference oci => ReadLayout(oci, options),
        OciArchiveReference archive => await OciArchiveTransport.ReadAsync(archive, options.Platform, ct),
        DockerArchiveReference docker => await DockerArchiveTransport.ReadAsync(docker, ct),
        StoreReference store => options.Store.Read(store.Name, options.Platform),
        RegistryReference registry => throw new InvalidImageException($"{registry}: registries are not supported yet"),
        _ => throw new ArgumentOutOfRangeException(nameof(reference)),
    };

    public static async Task<Descriptor> WriteAsync(IImage image, ImageReference reference, TransportOptions options, CancellationToken ct) => reference switch
    {
        OciLayoutReference oci => await OciLayoutWriter.WriteAsync(image, oci.Directory, oci.Tag, removeNewBlobsOnFailure: false, ct),
        OciArchiveReference archive => await OciArchiveTransport.WriteAsync(image, archive, ct),
        DockerArchiveReference docker => await DockerArchiveTransport.WriteAsync(image, docker, ct),
        StoreReference store => await options.Store.WriteAsync(image, store.Name, ct),
        RegistryReference registry => throw new InvalidImageException($"{registry}: registries are not supported yet"),
        _ => throw new ArgumentOutOfRangeException(nameof(reference)),
    };

    private static IImage ReadLayout(OciLayoutReference reference, TransportOptions options)
    {
        if (!Directory.Exists(reference.Directory))
            throw new InvalidImageException($"{reference.Directory}: no such directory");
        return OciLayoutReader.Read(new DirectoryLayoutFiles(reference.Directory), reference.Tag, options.Platform, reference.ToString());
    }
}

/// <summary>What every transport may need: the platform to pick from an index, and the local store.</summary>
public sealed record TransportOptions
{
    public Platform Platform { get; init; } = Platform.LinuxAmd64;
    public LocalStore Store { get; init; } = LocalStore.Default;
}
