namespace Distill.Oci;

/// <summary>
/// Reads an image from an OCI image layout (<see href="https://github.com/opencontainers/image-spec/blob/main/image-layout.md">image-layout.md</see>):
/// <c>oci-layout</c>, <c>index.json</c> and <c>blobs/</c>, in a directory or an archive.
/// </summary>
internal static class OciLayoutReader
{
    public static void CheckLayout(ILayoutFiles files)
    {
        if (!files.Exists("oci-layout"))
            throw new InvalidImageException($"{files.Describe("oci-layout")}: missing: not an OCI image layout");
        var header = OciJson.Parse(files.ReadDocument("oci-layout"), OciJsonContext.Default.OciLayoutHeader, files.Describe("oci-layout"));
        if (header.ImageLayoutVersion != "1.0.0")
            throw new InvalidImageException($"{files.Describe("oci-layout")}: unsupported imageLayoutVersion \"{header.ImageLayoutVersion}\"");
    }

    public static ImageIndex ReadIndex(ILayoutFiles files)
    {
        CheckLayout(files);
        return OciJson.ParseIndex(files.ReadDocument("index.json"), files.Describe("index.json"));
    }

    /// <summary>The image named <paramref name="tag"/> (or the only one), for <paramref name="platform"/> when it is an index.</summary>
    public static IImage Read(ILayoutFiles files, string? tag, Platform platform, string what)
    {
        var index = ReadIndex(files);
        var descriptor = Select(index, tag, what);
        return ReadImage(files, descriptor, platform, what);
    }

    public static Descriptor Select(ImageIndex index, string? tag, string what)
    {
        if (tag is not null)
        {
            var named = index.Manifests.Where(d => d.Annotation(Annotations.RefName) == tag).ToList();
            return named.Count switch
            {
                1 => named[0],
                0 => throw new InvalidImageException($"{what}: no image tagged \"{tag}\"{TagList(index)}"),
                _ => throw new InvalidImageException($"{what}: {named.Count} images are tagged \"{tag}\""),
            };
        }
        return index.Manifests.Count switch
        {
            1 => index.Manifests[0],
            0 => throw new InvalidImageException($"{what}: the layout holds no image"),
            _ => throw new InvalidImageException($"{what}: the layout holds {index.Manifests.Count} images; name one as {what}:TAG{TagList(index)}"),
        };
    }

    private static string TagList(ImageIndex index)
    {
        var tags = index.Manifests.Select(d => d.Annotation(Annotations.RefName)).OfType<string>().ToList();
        return tags.Count == 0 ? "" : $" (tags: {string.Join(", ", tags)})";
    }

    /// <summary>The index named <paramref name="tag"/> (or the only entry) with every image in it, or null when that entry is a single image.</summary>
    public static MultiPlatformImage? ReadMulti(ILayoutFiles files, string? tag, string what)
    {
        var descriptor = Select(ReadIndex(files), tag, what);
        if (!MediaTypes.IsIndex(descriptor.MediaType))
            return null;
        var bytes = files.ReadVerifiedBlob(descriptor, "index");
        var index = OciJson.ParseIndex(bytes, $"{what}: index {descriptor.Digest}");
        var images = index.Manifests.Where(d => MediaTypes.IsManifest(d.MediaType))
            .Select(d => ReadImage(files, d, d.Platform ?? Platform.LinuxAmd64, what)).ToList();
        return MultiPlatformImage.FromBytes(bytes, descriptor.MediaType, images, $"{what}: index {descriptor.Digest}");
    }

    public static IImage ReadImage(ILayoutFiles files, Descriptor descriptor, Platform platform, string what)
    {
        for (var depth = 0; MediaTypes.IsIndex(descriptor.MediaType); depth++)
        {
            if (depth > 4)
                throw new InvalidImageException($"{what}: indexes nested too deeply");
            var nested = OciJson.ParseIndex(files.ReadVerifiedBlob(descriptor, "index"), $"{what}: index {descriptor.Digest}");
            descriptor = nested.Select(platform)
                ?? throw new InvalidImageException($"{what}: no image for platform {platform} in index {descriptor.Digest} (has: {string.Join(", ", nested.Manifests.Select(m => m.Platform?.ToString() ?? "?"))})");
        }
        if (!MediaTypes.IsManifest(descriptor.MediaType))
            throw new InvalidImageException($"{what}: {descriptor.Digest} is a {descriptor.MediaType}, not an image manifest");
        var manifestBytes = files.ReadVerifiedBlob(descriptor, "manifest");
        var manifest = OciJson.ParseManifest(manifestBytes, $"{what}: manifest {descriptor.Digest}");
        var configBytes = files.ReadVerifiedBlob(manifest.Config, "config");
        return Image.FromBytes(manifestBytes, configBytes, (_, layer, diffId) => LayerFor(files, layer, diffId, what), what);
    }

    private static BlobLayer LayerFor(ILayoutFiles files, Descriptor layer, Digest diffId, string what)
    {
        var path = LayoutFilesExtensions.BlobPath(layer.Digest);
        if (!files.Exists(path))
            throw new InvalidImageException($"{files.Describe(path)}: layer blob {layer.Digest} is missing");
        if (files is DirectoryLayoutFiles directory)
            return BlobLayer.FromSourceFile(layer, diffId, Path.Combine(directory.Root, path), files.Describe(path));
        return new BlobLayer(layer, diffId, _ => ValueTask.FromResult<Stream>(new VerifyingStream(files.Open(path), layer, files.Describe(path))));
    }
}
