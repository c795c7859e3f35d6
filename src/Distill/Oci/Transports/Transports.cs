using Distill.Registry;

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
        // a bare name is the local store first, then a registry (as docker run does)
        StoreReference store => options.Store.TryRead(store.Name, options.Platform) ?? await ReadStoreMissAsync(store, options, ct),
        RegistryReference registry => await RegistryTransport.ReadAsync(options.Registry, registry.Name, options.Platform, ct),
        _ => throw new ArgumentOutOfRangeException(nameof(reference)),
    };

    public static async Task<Descriptor> WriteAsync(IImage image, ImageReference reference, TransportOptions options, CancellationToken ct) => reference switch
    {
        OciLayoutReference oci => await OciLayoutWriter.WriteAsync(image, oci.Directory, oci.Tag, removeNewBlobsOnFailure: false, ct),
        OciArchiveReference archive => await OciArchiveTransport.WriteAsync(image, archive, ct),
        DockerArchiveReference docker => await DockerArchiveTransport.WriteAsync(image, docker, ct),
        StoreReference store => await options.Store.WriteAsync(image, store.Name, ct),
        RegistryReference registry => await RegistryTransport.WriteAsync(options.Registry, image, registry.Name, ct),
        _ => throw new ArgumentOutOfRangeException(nameof(reference)),
    };

    /// <summary>
    /// Throws if <paramref name="reference"/> cannot be written (a non-layout directory for oci:, a directory for an
    /// archive, a transport that cannot be written), so that a command writing several destinations checks them all
    /// before it writes any.
    /// </summary>
    public static void CheckWritable(ImageReference reference)
    {
        switch (reference)
        {
            case OciLayoutReference oci:
                OciLayoutWriter.CheckTarget(oci.Directory);
                break;
            case OciArchiveReference archive when Directory.Exists(archive.File):
                throw new InvalidImageException($"{archive.File}: is a directory, not an archive file");
            case DockerArchiveReference docker when Directory.Exists(docker.File):
                throw new InvalidImageException($"{docker.File}: is a directory, not an archive file");
            case DockerArchiveReference { Index: not null } docker:
                throw new InvalidImageException($"{docker}: @N selects an image to read; to write, give a name or none");
        }
    }

    /// <summary>
    /// The multi-platform image at <paramref name="reference"/> (every image of its index, for <c>copy --all</c>), or null
    /// when the reference names a single image.
    /// </summary>
    public static async Task<MultiPlatformImage?> ReadMultiAsync(ImageReference reference, TransportOptions options, CancellationToken ct) => reference switch
    {
        OciLayoutReference oci => Directory.Exists(oci.Directory)
            ? OciLayoutReader.ReadMulti(new DirectoryLayoutFiles(oci.Directory), oci.Tag, reference.ToString())
            : throw new InvalidImageException($"{oci.Directory}: no such directory"),
        OciArchiveReference archive => OciLayoutReader.ReadMulti(await ArchiveLayoutFiles.OpenAsync(archive.File, ct), archive.Tag, reference.ToString()),
        StoreReference store when options.Store.Contains(store.Name) => options.Store.ReadMulti(store.Name),
        StoreReference store => await RegistryTransport.ReadMultiAsync(options.Registry, store.Name, ct),
        RegistryReference registry => await RegistryTransport.ReadMultiAsync(options.Registry, registry.Name, ct),
        _ => null, // docker-archive holds single images
    };

    public static async Task<Descriptor> WriteMultiAsync(MultiPlatformImage multi, ImageReference reference, TransportOptions options, CancellationToken ct) => reference switch
    {
        OciLayoutReference oci => await OciLayoutWriter.WriteMultiAsync(multi, oci.Directory, oci.Tag, removeNewBlobsOnFailure: false, ct),
        StoreReference store => await options.Store.WriteMultiAsync(multi, store.Name, ct),
        RegistryReference registry => await RegistryTransport.WriteMultiAsync(options.Registry, multi, registry.Name, ct),
        _ => throw new InvalidImageException($"{reference}: this transport holds one image, not a multi-platform index; drop --all or pick one with --platform"),
    };

    /// <summary>A name not in the store is pulled from its registry; if that fails too, the error says both.</summary>
    private static async Task<IImage> ReadStoreMissAsync(StoreReference store, TransportOptions options, CancellationToken ct)
    {
        try
        {
            return await RegistryTransport.ReadAsync(options.Registry, store.Name, options.Platform, ct);
        }
        catch (Exception e) when (e is RegistryException or TransientRegistryException or HttpRequestException or IOException or TimeoutException)
        {
            throw new InvalidImageException($"{store.Name.Familiar}: no such image in the local store, and pulling {store.Name} failed: {e.Message}", e);
        }
    }

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

    /// <summary>Registry access for <c>docker://</c> and bare names not in the store; made on first use.</summary>
    public RegistryContext Registry
    {
        get => _registry ??= RegistryFactory?.Invoke() ?? new RegistryContext(AnonymousCredentials.Instance, DirectResolver.Instance);
        init => _registry = value;
    }

    /// <summary>Makes <see cref="Registry"/> when a registry is first needed, so copies between local transports never read registries.conf or auth files.</summary>
    public Func<RegistryContext>? RegistryFactory { get; init; }

    private RegistryContext? _registry;
}
