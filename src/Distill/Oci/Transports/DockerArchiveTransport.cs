using System.Text.Json;

namespace Distill.Oci;

/// <summary>
/// <c>docker-archive:FILE[:REF|:@N]</c>: what <c>docker save</c> writes and <c>docker load</c> / <c>podman load</c> read.
/// Reads both the legacy layout (<c>ID/layer.tar</c>) and the OCI-style one of Docker 25+ (<c>blobs/sha256/…</c>)
/// through <c>manifest.json</c>; writes config <c>HEX.json</c> and uncompressed layers <c>DIFFID.tar</c>, as skopeo does.
/// </summary>
internal static class DockerArchiveTransport
{
    public static async Task<IImage> ReadAsync(DockerArchiveReference reference, CancellationToken ct)
    {
        var files = await ArchiveLayoutFiles.OpenAsync(reference.File, ct);
        var what = reference.ToString();
        if (!files.Exists("manifest.json"))
            throw new InvalidImageException($"{files.Describe("manifest.json")}: missing: not a docker-archive");
        var entries = OciJson.Parse(files.ReadDocument("manifest.json"), OciJsonContext.Default.ListDockerArchiveManifestEntry, files.Describe("manifest.json"));
        var entry = Select(entries, reference, what);
        var configPath = TarEntryHeader.CleanName(entry.Config);
        var configBytes = files.ReadDocument(configPath);
        var config = OciJson.ParseConfig(configBytes, files.Describe(configPath));
        if (config.RootFs.DiffIds.Count != entry.Layers.Count)
            throw new InvalidImageException($"{what}: manifest.json lists {entry.Layers.Count} layers but the config has {config.RootFs.DiffIds.Count} diff_ids");
        var layers = new List<BlobLayer>();
        for (var i = 0; i < entry.Layers.Count; i++)
            layers.Add(await LayerAsync(files, entry, i, config.RootFs.DiffIds[i], ct));
        var manifest = new ImageManifest
        {
            MediaType = MediaTypes.DockerManifest,
            Config = Descriptor.For(MediaTypes.DockerConfig, configBytes),
            Layers = layers.Select(l => l.Descriptor).ToList(),
        };
        return Image.FromBytes(OciJson.Serialize(manifest), configBytes, (i, _, _) => layers[i], what);
    }

    private static DockerArchiveManifestEntry Select(List<DockerArchiveManifestEntry> entries, DockerArchiveReference reference, string what)
    {
        if (reference.Index is { } index)
        {
            return index < entries.Count ? entries[index]
                : throw new InvalidImageException($"{what}: the archive holds {entries.Count} image(s), there is no @{index}");
        }
        if (reference.Name is { } name)
        {
            var match = entries.FirstOrDefault(e => (e.RepoTags ?? []).Any(t => ImageName.TryParse(t, out var n) && n == name));
            return match ?? throw new InvalidImageException($"{what}: no image tagged {name.Familiar} in the archive");
        }
        return entries.Count == 1 ? entries[0]
            : throw new InvalidImageException($"{what}: the archive holds {entries.Count} images; name one as {what}:REF or {what}:@N");
    }

    private static async Task<BlobLayer> LayerAsync(ILayoutFiles files, DockerArchiveManifestEntry entry, int i, Digest diffId, CancellationToken ct)
    {
        var path = TarEntryHeader.CleanName(entry.Layers[i]);
        if (!files.Exists(path))
            throw new InvalidImageException($"{files.Describe(path)}: layer {i + 1} is missing");
        var size = files.SizeOf(path);
        var head = new byte[4];
        await using (var s = files.Open(path))
            await s.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        var compression = LayerStreams.Detect(head);
        Digest digest;
        if (compression == LayerCompression.None)
            digest = diffId;
        else if (entry.LayerSources is not null && entry.LayerSources.TryGetValue(diffId.ToString(), out var source) && source.Size == size)
            digest = source.Digest;
        else
            digest = await HashAsync(files, path, ct);
        var descriptor = new Descriptor { MediaType = MediaTypes.LayerFor(compression, docker: true), Digest = digest, Size = size };
        return new BlobLayer(descriptor, diffId, _ => ValueTask.FromResult<Stream>(new VerifyingStream(files.Open(path), descriptor, files.Describe(path))));
    }

    private static async Task<Digest> HashAsync(ILayoutFiles files, string path, CancellationToken ct)
    {
        await using var s = files.Open(path);
        using var hashing = new HashingStream(s);
        await hashing.CopyToAsync(Stream.Null, ct);
        return hashing.Digest;
    }

    public static async Task<Descriptor> WriteAsync(IImage image, DockerArchiveReference reference, CancellationToken ct)
    {
        if (reference.Index is not null)
            throw new InvalidImageException($"{reference}: @N selects an image to read; to write, give a name or none");
        var full = Path.GetFullPath(reference.File);
        var temp = BlobFiles.TempPath(Path.GetDirectoryName(full)!, Path.GetFileName(full));
        try
        {
            var configName = image.Manifest.Config.Digest.Encoded + ".json";
            var layerNames = image.Layers.Select(l => l.DiffId.Encoded + ".tar").ToList();
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20, FileOptions.Asynchronous))
            await using (var tar = new TarStreamWriter(file, leaveOpen: true))
            {
                var written = new HashSet<Digest>();
                foreach (var layer in image.Layers)
                {
                    if (!written.Add(layer.DiffId))
                        continue;
                    await using var source = await layer.OpenUncompressedAsync(ct);
                    using var hashing = new HashingStream(source, leaveOpen: true);
                    var header = new TarEntryHeader { Name = layer.DiffId.Encoded + ".tar", Kind = TarEntryKind.File, Mode = 0x1a4, ModTime = Reproducible.ModTime };
                    try
                    {
                        await tar.WriteFileOfUnknownSizeAsync(header, hashing, ct);
                    }
                    catch (InvalidDataException e)
                    {
                        // the decompressor met the damage before the blob's digest could be checked: check it now, so the
                        // error names the damaged source blob; a blob that matches its digest is simply not valid compressed data
                        await VerifyCompressedAsync(layer, ct);
                        throw new InvalidImageException($"layer {layer.Descriptor.Digest}: cannot decompress it as {layer.Descriptor.MediaType}: {e.Message}", e);
                    }
                    if (hashing.Digest != layer.DiffId)
                        throw new InvalidImageException($"layer {layer.Descriptor.Digest}: uncompressed content has {hashing.Digest}, config says diff_id {layer.DiffId}");
                }
                await ArchiveWriting.WriteBytesAsync(tar, configName, image.ConfigBytes, ct);
                var manifest = new List<DockerArchiveManifestEntry>
                {
                    new()
                    {
                        Config = configName,
                        RepoTags = reference.Name is null ? [] : [reference.Name.Familiar],
                        Layers = layerNames,
                    },
                };
                await ArchiveWriting.WriteBytesAsync(tar, "manifest.json", JsonSerializer.SerializeToUtf8Bytes(manifest, OciJson.Writing.ListDockerArchiveManifestEntry), ct);
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

    /// <summary>Reads the compressed blob through; a source that verifies blobs throws if it is damaged.</summary>
    private static async Task VerifyCompressedAsync(ILayer layer, CancellationToken ct)
    {
        await using var compressed = await layer.OpenCompressedAsync(ct);
        await using var verified = new VerifyingStream(compressed, layer.Descriptor, $"layer {layer.Descriptor.Digest}");
        await verified.CopyToAsync(Stream.Null, ct);
    }
}
