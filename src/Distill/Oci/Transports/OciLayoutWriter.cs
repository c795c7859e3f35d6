namespace Distill.Oci;

/// <summary>
/// Writes an image into an OCI image layout directory: blobs first (each atomically, existing ones kept), then
/// <c>index.json</c> replaced atomically, so a reader never sees an index naming a blob that is not there.
/// </summary>
internal static class OciLayoutWriter
{
    private static readonly byte[] LayoutHeader = """{"imageLayoutVersion":"1.0.0"}"""u8.ToArray();

    /// <summary>
    /// Writes the image and names it in <c>index.json</c>. If it fails, what it added goes again: a directory it
    /// created is removed whole, and with <paramref name="removeNewBlobsOnFailure"/> (for a caller holding a lock, as
    /// the local store does) so is every blob it added to an existing layout.
    /// </summary>
    // keepDockerMediaTypes: keep a Docker schema 2 image as it is (its digest too), as the local store does;
    // oci: outputs convert to OCI media types, as skopeo does.
    public static Task<Descriptor> WriteAsync(IImage image, string directory, string? refName, bool removeNewBlobsOnFailure, CancellationToken ct,
        bool keepDockerMediaTypes = false)
    {
        if (!keepDockerMediaTypes)
            image = Mutate.ToOci(image);
        return WriteWithCleanupAsync(directory, removeNewBlobsOnFailure, async added =>
        {
            await WriteBlobsAsync(image, directory, added, ct);
            await NameAsync(directory, image.ManifestDescriptor, refName, ct);
            return image.ManifestDescriptor;
        }, ct);
    }

    /// <summary>Writes every image of an index, then the index, and names the index in <c>index.json</c>.</summary>
    public static Task<Descriptor> WriteMultiAsync(MultiPlatformImage multi, string directory, string? refName, bool removeNewBlobsOnFailure, CancellationToken ct,
        bool keepDockerMediaTypes = false)
    {
        if (!keepDockerMediaTypes)
            multi = multi.ToOci();
        return WriteWithCleanupAsync(directory, removeNewBlobsOnFailure, async added =>
        {
            foreach (var image in multi.Images)
                await WriteBlobsAsync(image, directory, added, ct);
            if (await WriteSmallBlobAsync(directory, multi.IndexDescriptor.Digest, multi.IndexBytes, ct))
                added.Add(BlobPathIn(directory, multi.IndexDescriptor.Digest));
            await NameAsync(directory, multi.IndexDescriptor, refName, ct);
            return multi.IndexDescriptor;
        }, ct);
    }

    /// <summary>Points <c>index.json</c> at <paramref name="manifest"/> under <paramref name="refName"/>.</summary>
    private static Task NameAsync(string directory, Descriptor manifest, string? refName, CancellationToken ct)
    {
        var entry = new Descriptor
        {
            MediaType = manifest.MediaType,
            Digest = manifest.Digest,
            Size = manifest.Size,
            Annotations = refName is null ? null : new Dictionary<string, string> { [Annotations.RefName] = refName },
        };
        return UpdateIndexAsync(directory, index => Replace(index, entry, refName), ct);
    }

    /// <summary>
    /// Runs a write into a layout; if it fails, what it added goes again: a directory it created is removed whole, and
    /// with <paramref name="removeNewBlobsOnFailure"/> so is every blob it added to an existing layout.
    /// </summary>
    private static async Task<Descriptor> WriteWithCleanupAsync(string directory, bool removeNewBlobsOnFailure,
        Func<System.Collections.Concurrent.ConcurrentBag<string>, Task<Descriptor>> write, CancellationToken ct)
    {
        var existed = Directory.Exists(directory);
        var added = new System.Collections.Concurrent.ConcurrentBag<string>();
        try
        {
            await PrepareAsync(directory, ct);
            return await write(added);
        }
        catch
        {
            if (!existed)
                TryDeleteDirectory(directory);
            else if (removeNewBlobsOnFailure)
            {
                foreach (var blob in added)
                    BlobFiles.TryDelete(blob);
            }
            throw;
        }
    }

    private static void TryDeleteDirectory(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
                Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Throws unless <paramref name="directory"/> can take a layout: absent, empty, or a layout already.</summary>
    public static void CheckTarget(string directory)
    {
        if (File.Exists(directory))
            throw new InvalidImageException($"{directory}: is a file, not a directory");
        if (Directory.Exists(directory) && !File.Exists(Path.Combine(directory, "oci-layout")) && Directory.EnumerateFileSystemEntries(directory).Any())
            throw new InvalidImageException($"{directory}: exists and is not an OCI image layout (no oci-layout file); refusing to write into it");
    }

    /// <summary>Creates the layout if needed; refuses a non-empty directory that is not a layout.</summary>
    public static async Task PrepareAsync(string directory, CancellationToken ct)
    {
        CheckTarget(directory);
        var layoutFile = Path.Combine(directory, "oci-layout");
        Directory.CreateDirectory(Path.Combine(directory, "blobs", Digest.Sha256));
        if (!File.Exists(layoutFile))
            await BlobFiles.WriteAtomicAsync(layoutFile, LayoutHeader, ct);
    }

    /// <summary>Writes the blobs the layout lacks; each one added is put in <paramref name="added"/>.</summary>
    public static async Task WriteBlobsAsync(IImage image, string directory, System.Collections.Concurrent.ConcurrentBag<string> added, CancellationToken ct)
    {
        await Parallel.ForEachAsync(image.Layers.DistinctBy(l => l.Descriptor.Digest),
            new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct },
            async (layer, token) =>
            {
                var path = BlobPathIn(directory, layer.Descriptor.Digest);
                if (await CopyLayerAsync(layer, path, token))
                    added.Add(path);
            });
        if (await WriteSmallBlobAsync(directory, image.Manifest.Config.Digest, image.ConfigBytes, ct))
            added.Add(BlobPathIn(directory, image.Manifest.Config.Digest));
        if (await WriteSmallBlobAsync(directory, image.ManifestDescriptor.Digest, image.ManifestBytes, ct))
            added.Add(BlobPathIn(directory, image.ManifestDescriptor.Digest));
    }

    public static string BlobPathIn(string directory, Digest digest) => Path.Combine(directory, "blobs", digest.Algorithm, digest.Encoded);

    private static async Task<bool> WriteSmallBlobAsync(string directory, Digest digest, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        var path = BlobPathIn(directory, digest);
        if (File.Exists(path))
            return false;
        await BlobFiles.WriteAtomicAsync(path, content, ct);
        return true;
    }

    /// <summary>
    /// Puts a layer blob at <paramref name="target"/>: kept if present, hard-linked if Distill built it, else copied
    /// and verified. True when it added the blob.
    /// </summary>
    public static async Task<bool> CopyLayerAsync(ILayer layer, string target, CancellationToken ct)
    {
        var progress = TransferReporting.Current;
        if (File.Exists(target))
        {
            progress.Finished(layer.Descriptor, skipped: true);
            return false;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (layer is BlobLayer { FilePath: { } built })
        {
            var temp = BlobFiles.TempPath(Path.GetDirectoryName(target)!, "link");
            if (BlobFiles.TryHardLink(built, temp))
            {
                File.Move(temp, target, overwrite: true);
                return true;
            }
        }
        // a corrupted network transfer is fetched again (a couple of times); a bad local blob fails at once
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                progress.Started(layer.Descriptor);
                var opened = await layer.OpenCompressedAsync(ct);
                var selfVerifying = opened is VerifyingStream verifying && verifying.Verifies(layer.Descriptor);
                await using var source = new ProgressStream(opened, layer.Descriptor, progress);
                await BlobFiles.WriteVerifiedAsync(source, layer.Descriptor, target, $"layer {layer.Descriptor.Digest}", ct, sourceVerifies: selfVerifying);
                progress.Finished(layer.Descriptor, skipped: false);
                return true;
            }
            catch (InvalidImageException) when (layer is IRefetchableLayer && attempt < 3)
            {
            }
        }
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
