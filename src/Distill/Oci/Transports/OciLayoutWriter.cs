namespace Distill.Oci;

/// <summary>
/// Writes an image into an OCI image layout directory: blobs first (each atomically, existing ones kept), then
/// <c>index.json</c> replaced atomically, so a reader never sees an index naming a blob that is not there.
/// </summary>
internal static class OciLayoutWriter
{
    private static readonly byte[] LayoutHeader = """{"imageLayoutVersion":"1.0.0"}"""u8.ToArray();

    public static async Task<Descriptor> WriteAsync(IImage image, string directory, string? refName, CancellationToken ct)
    {
        image = Mutate.ToOci(image);
        await PrepareAsync(directory, ct);
        await WriteBlobsAsync(image, directory, ct);
        var descriptor = new Descriptor
        {
            MediaType = image.ManifestDescriptor.MediaType,
            Digest = image.ManifestDescriptor.Digest,
            Size = image.ManifestDescriptor.Size,
            Annotations = refName is null ? null : new Dictionary<string, string> { [Annotations.RefName] = refName },
        };
        await UpdateIndexAsync(directory, index => Replace(index, descriptor, refName), ct);
        return image.ManifestDescriptor;
    }

    /// <summary>Creates the layout if needed; refuses a non-empty directory that is not a layout.</summary>
    public static async Task PrepareAsync(string directory, CancellationToken ct)
    {
        if (File.Exists(directory))
            throw new InvalidImageException($"{directory}: is a file, not a directory");
        var layoutFile = Path.Combine(directory, "oci-layout");
        if (Directory.Exists(directory) && !File.Exists(layoutFile) && Directory.EnumerateFileSystemEntries(directory).Any())
            throw new InvalidImageException($"{directory}: exists and is not an OCI image layout (no oci-layout file); refusing to write into it");
        Directory.CreateDirectory(Path.Combine(directory, "blobs", Digest.Sha256));
        if (!File.Exists(layoutFile))
            await BlobFiles.WriteAtomicAsync(layoutFile, LayoutHeader, ct);
    }

    public static async Task WriteBlobsAsync(IImage image, string directory, CancellationToken ct)
    {
        await Parallel.ForEachAsync(image.Layers.DistinctBy(l => l.Descriptor.Digest),
            new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct },
            async (layer, token) => await CopyLayerAsync(layer, BlobPathIn(directory, layer.Descriptor.Digest), token));
        await WriteSmallBlobAsync(directory, image.Manifest.Config.Digest, image.ConfigBytes, ct);
        await WriteSmallBlobAsync(directory, image.ManifestDescriptor.Digest, image.ManifestBytes, ct);
    }

    public static string BlobPathIn(string directory, Digest digest) => Path.Combine(directory, "blobs", digest.Algorithm, digest.Encoded);

    private static async Task WriteSmallBlobAsync(string directory, Digest digest, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        var path = BlobPathIn(directory, digest);
        if (!File.Exists(path))
            await BlobFiles.WriteAtomicAsync(path, content, ct);
    }

    /// <summary>Puts a layer blob at <paramref name="target"/>: kept if present, hard-linked if Distill built it, else copied and verified.</summary>
    public static async Task CopyLayerAsync(ILayer layer, string target, CancellationToken ct)
    {
        if (File.Exists(target))
            return;
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (layer is BlobLayer { FilePath: { } built })
        {
            var temp = BlobFiles.TempPath(Path.GetDirectoryName(target)!, "link");
            if (BlobFiles.TryHardLink(built, temp))
            {
                File.Move(temp, target, overwrite: true);
                return;
            }
        }
        await using var source = await layer.OpenCompressedAsync(ct);
        await BlobFiles.WriteVerifiedAsync(source, layer.Descriptor, target, $"layer {layer.Descriptor.Digest}", ct);
    }

    public static async Task UpdateIndexAsync(string directory, Func<ImageIndex, ImageIndex> change, CancellationToken ct)
    {
        var indexPath = Path.Combine(directory, "index.json");
        var current = File.Exists(indexPath)
            ? OciJson.ParseIndex(await File.ReadAllBytesAsync(indexPath, ct), indexPath)
            : new ImageIndex { SchemaVersion = 2, MediaType = MediaTypes.OciIndex, Manifests = [] };
        await BlobFiles.WriteAtomicAsync(indexPath, OciJson.Serialize(change(current)), ct);
    }

    /// <summary>The index with <paramref name="entry"/> in place of any entry of the same name (or, unnamed, the same digest).</summary>
    public static ImageIndex Replace(ImageIndex index, Descriptor entry, string? refName)
    {
        var kept = index.Manifests.Where(d => refName is not null
            ? d.Annotation(Annotations.RefName) != refName
            : !(d.Digest == entry.Digest && d.Annotation(Annotations.RefName) is null)).ToList();
        kept.Add(entry);
        return index with { MediaType = index.MediaType ?? MediaTypes.OciIndex, Manifests = kept };
    }
}
