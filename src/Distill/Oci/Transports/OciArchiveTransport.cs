namespace Distill.Oci;

/// <summary>
/// <c>oci-archive:FILE[:TAG]</c>: an OCI image layout in a tar file. Read in place from an index of its members;
/// written as a fresh archive streamed to a temporary file beside FILE and renamed over it when complete.
/// </summary>
internal static class OciArchiveTransport
{
    public static async Task<IImage> ReadAsync(OciArchiveReference reference, Platform platform, CancellationToken ct)
    {
        var files = await ArchiveLayoutFiles.OpenAsync(reference.File, ct);
        return OciLayoutReader.Read(files, reference.Tag, platform, reference.ToString());
    }

    public static async Task<Descriptor> WriteAsync(IImage image, OciArchiveReference reference, CancellationToken ct)
    {
        image = Mutate.ToOci(image);
        var full = Path.GetFullPath(reference.File);
        var temp = BlobFiles.TempPath(Path.GetDirectoryName(full)!, Path.GetFileName(full));
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous))
            await using (var tar = new TarStreamWriter(file, leaveOpen: true))
            {
                var entry = new Descriptor
                {
                    MediaType = image.ManifestDescriptor.MediaType,
                    Digest = image.ManifestDescriptor.Digest,
                    Size = image.ManifestDescriptor.Size,
                    Annotations = reference.Tag is null ? null : new Dictionary<string, string> { [Annotations.RefName] = reference.Tag },
                };
                var index = new ImageIndex { SchemaVersion = 2, MediaType = MediaTypes.OciIndex, Manifests = [entry] };
                await ArchiveWriting.WriteDirectoryAsync(tar, "blobs", ct);
                await ArchiveWriting.WriteDirectoryAsync(tar, "blobs/sha256", ct);
                foreach (var layer in image.Layers.DistinctBy(l => l.Descriptor.Digest))
                {
                    await using var source = await layer.OpenCompressedAsync(ct);
                    await using var verified = new VerifyingStream(source, layer.Descriptor, $"layer {layer.Descriptor.Digest}");
                    await ArchiveWriting.WriteFileAsync(tar, LayoutFilesExtensions.BlobPath(layer.Descriptor.Digest), layer.Descriptor.Size, verified, ct);
                }
                await ArchiveWriting.WriteBytesAsync(tar, LayoutFilesExtensions.BlobPath(image.Manifest.Config.Digest), image.ConfigBytes, ct);
                await ArchiveWriting.WriteBytesAsync(tar, LayoutFilesExtensions.BlobPath(image.ManifestDescriptor.Digest), image.ManifestBytes, ct);
                await ArchiveWriting.WriteBytesAsync(tar, "index.json", OciJson.Serialize(index), ct);
                await ArchiveWriting.WriteBytesAsync(tar, "oci-layout", """{"imageLayoutVersion":"1.0.0"}"""u8.ToArray(), ct);
                await tar.FinishAsync(ct);
            }
            File.Move(temp, full, overwrite: true);
            return image.ManifestDescriptor;
        }
        catch
        {
            BlobFiles.TryDelete(temp);
            throw;
        }
    }
}
