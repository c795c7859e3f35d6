using Distill.Oci;

namespace Distill.Registry;

/// <summary>
/// <c>docker://</c> as a source and a sink. Pull: mirrors in order, then the origin; an index is narrowed to the
/// platform; manifest and config are verified; layers download lazily as resumable, verified streams. Push: blobs
/// that are there already are skipped, blobs from the same registry are mounted, the rest uploaded a few at a time;
/// the manifest goes last, by tag or digest.
/// </summary>
public static class RegistryTransport
{
    public static async Task<IImage> ReadAsync(RegistryContext registry, ImageName name, Platform platform, CancellationToken ct)
    {
        var endpoints = registry.Resolver.Resolve(name);
        var reference = name.Digest?.ToString() ?? name.Tag ?? "latest";
        var failures = new List<string>();
        foreach (var endpoint in endpoints)
        {
            try
            {
                var insecure = endpoint.Insecure || !registry.SourceTlsVerify;
                var at = await registry.Client.LocateAsync(endpoint.ApiHost, endpoint.Repository, insecure, ct);
                var image = await ReadFromAsync(registry.Client, at, reference, platform, ct);
                if (image is not null)
                    return image;
                failures.Add($"{endpoint.Host}/{endpoint.Repository}: not found");
            }
            catch (Exception e) when (endpoint.IsMirror && e is not OperationCanceledException)
            {
                failures.Add($"mirror {endpoint.Host}: {e.Message}");
            }
        }
        throw new RegistryException($"{name.Familiar}: manifest unknown ({string.Join("; ", failures)})", System.Net.HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
    }

    private static async Task<IImage?> ReadFromAsync(RegistryClient client, RegistryLocation at, string reference, Platform platform, CancellationToken ct)
    {
        var manifest = await client.GetManifestAsync(at, reference, ct);
        if (manifest is null)
            return null;
        if (MediaTypes.IsIndex(manifest.MediaType))
        {
            var index = OciJson.ParseIndex(manifest.Bytes, $"{at}: index {reference}");
            var chosen = index.Select(platform)
                ?? throw new RegistryException($"{at}:{reference}: no image for platform {platform} (has: {string.Join(", ", index.Manifests.Select(m => m.Platform?.ToString() ?? "?"))})");
            manifest = await client.GetManifestAsync(at, chosen.Digest.ToString(), ct)
                ?? throw new RegistryException($"{at}: manifest {chosen.Digest} named by the index is missing", System.Net.HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        }
        if (!MediaTypes.IsManifest(manifest.MediaType))
            throw new RegistryException($"{at}:{reference}: unsupported manifest type {manifest.MediaType}");
        var parsed = OciJson.ParseManifest(manifest.Bytes, $"{at}: manifest {reference}");
        var config = await client.GetBlobBytesAsync(at, parsed.Config, ct);
        return Image.FromBytes(manifest.Bytes, config, (_, layer, diffId) => new RegistryLayer(client, at, layer, diffId), $"{at}:{reference}");
    }

    /// <summary>The index at <paramref name="name"/> with all its images, or null when the name is a single image.</summary>
    public static async Task<MultiPlatformImage?> ReadMultiAsync(RegistryContext registry, ImageName name, CancellationToken ct)
    {
        var reference = name.Digest?.ToString() ?? name.Tag ?? "latest";
        foreach (var endpoint in registry.Resolver.Resolve(name))
        {
            try
            {
                var at = await registry.Client.LocateAsync(endpoint.ApiHost, endpoint.Repository, endpoint.Insecure || !registry.SourceTlsVerify, ct);
                var top = await registry.Client.GetManifestAsync(at, reference, ct);
                if (top is null)
                    continue;
                if (!MediaTypes.IsIndex(top.MediaType))
                    return null;
                var index = OciJson.ParseIndex(top.Bytes, $"{at}: index {reference}");
                var images = new List<IImage>();
                foreach (var entry in index.Manifests.Where(d => MediaTypes.IsManifest(d.MediaType)))
                {
                    images.Add(await ReadFromAsync(registry.Client, at, entry.Digest.ToString(), entry.Platform ?? Platform.LinuxAmd64, ct)
                        ?? throw new RegistryException($"{at}: manifest {entry.Digest} named by the index is missing"));
                }
                return MultiPlatformImage.FromBytes(top.Bytes, top.MediaType, images, $"{at}: index {reference}");
            }
            catch (Exception e) when (endpoint.IsMirror && e is not OperationCanceledException)
            {
            }
        }
        throw new RegistryException($"{name.Familiar}: manifest unknown", System.Net.HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
    }

    /// <summary>Pushes every image of the index by digest, then the index by tag (or digest).</summary>
    public static async Task<Descriptor> WriteMultiAsync(RegistryContext registry, MultiPlatformImage multi, ImageName name, CancellationToken ct)
    {
        var at = await LocateForPushAsync(registry, name, ct);
        foreach (var image in multi.Images)
        {
            await PushImageContentAsync(registry, at, image, ct);
            await registry.Client.PutManifestAsync(at, image.ManifestDescriptor.Digest.ToString(), image.ManifestBytes, image.ManifestDescriptor.MediaType, ct);
        }
        await registry.Client.PutManifestAsync(at, name.Tag ?? name.Digest?.ToString() ?? "latest", multi.IndexBytes, multi.IndexDescriptor.MediaType, ct);
        return multi.IndexDescriptor;
    }

    private static async Task<RegistryLocation> LocateForPushAsync(RegistryContext registry, ImageName name, CancellationToken ct)
    {
        var host = new RegistryEndpoint(name.Domain, name.Repository, false, false).ApiHost;
        var insecure = registry.Resolver.IsInsecure(name.Domain) || !registry.DestinationTlsVerify;
        return await registry.Client.LocateAsync(host, name.Repository, insecure, ct);
    }

    public static async Task<Descriptor> WriteAsync(RegistryContext registry, IImage image, ImageName name, CancellationToken ct)
    {
        var at = await LocateForPushAsync(registry, name, ct);
        await PushImageContentAsync(registry, at, image, ct);
        var reference = name.Tag ?? name.Digest?.ToString() ?? "latest";
        if (name.Digest is { } wanted && wanted != image.ManifestDescriptor.Digest)
            throw new RegistryException($"{name.Familiar}: the image's digest is {image.ManifestDescriptor.Digest}, not {wanted}");
        await registry.Client.PutManifestAsync(at, reference, image.ManifestBytes, image.ManifestDescriptor.MediaType, ct);
        return image.ManifestDescriptor;
    }

    /// <summary>Layers (skipped, mounted or uploaded, a few at once) and the config; the manifest is the caller's.</summary>
    private static async Task PushImageContentAsync(RegistryContext registry, RegistryLocation at, IImage image, CancellationToken ct)
    {
        await Parallel.ForEachAsync(image.Layers.DistinctBy(l => l.Descriptor.Digest),
            new ParallelOptions { MaxDegreeOfParallelism = registry.Client.Policy.MaxParallelBlobs, CancellationToken = ct },
            async (layer, token) =>
            {
                var mountFrom = layer is RegistryLayer remote && remote.Location.Host == at.Host ? remote.Location.Repository : null;
                await registry.Client.PushBlobAsync(at, layer.Descriptor, layer.OpenCompressedAsync, mountFrom, token);
            });
        // the config lives where the layers came from: mount it from there too
        var configFrom = image.Layers.OfType<RegistryLayer>().FirstOrDefault(l => l.Location.Host == at.Host)?.Location.Repository;
        var configBytes = image.ConfigBytes;
        await registry.Client.PushBlobAsync(at, image.Manifest.Config,
            _ => ValueTask.FromResult<Stream>(new MemoryStream(configBytes.ToArray(), writable: false)), configFrom, ct);
    }
}
