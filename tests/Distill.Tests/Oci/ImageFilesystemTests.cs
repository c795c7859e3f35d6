using System.Text;
using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Oci;

/// <summary>The final filesystem of three layers with whiteouts and opaque directories (layer.md#whiteouts).</summary>
public sealed class ImageFilesystemTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static (TarEntryHeader, byte[]?) Whiteout(string name) => TarBytes.File(name, "", 0);

    private static async Task<IImage> ThreeLayers()
    {
        var bottom = await InMemoryLayer.FromEntriesAsync(
        [
            TarBytes.Directory("a"), TarBytes.File("a/keep", "keep-0"), TarBytes.File("a/del", "del-0"),
            TarBytes.Directory("a/b"), TarBytes.File("a/b/x", "x-0"),
            TarBytes.Directory("c"), TarBytes.File("c/old", "old-0"),
            TarBytes.Directory("d"), TarBytes.Directory("d/sub"), TarBytes.File("d/sub/y", "y-0"),
            TarBytes.Directory("e"), TarBytes.File("e/f", "f-0"), TarBytes.Directory("e/g"), TarBytes.File("e/g/h", "h-0"),
            TarBytes.File("g", "file-0"),
            TarBytes.Directory("k"), TarBytes.File("k/gone", "gone-0"),
        ], LayerCompression.Gzip);
        var middle = await InMemoryLayer.FromEntriesAsync(
        [
            Whiteout("a/.wh.del"),                   // file deleted
            TarBytes.File("c", "c-is-a-file-1"),     // directory replaced by a file
            TarBytes.Directory("e"), Whiteout("e/.wh..wh..opq"), TarBytes.File("e/new", "new-1"), // opaque directory with new content
            TarBytes.Directory("g"), TarBytes.File("g/h", "h-1"), // file replaced by a directory
            TarBytes.File("k/added", "added-1"),
        ]);
        var top = await InMemoryLayer.FromEntriesAsync(
        [
            Whiteout(".wh.d"),                          // whiteout of a directory hides its subtree
            TarBytes.Directory("d"), TarBytes.File("d/fresh", "fresh-2"), // the same layer's new content stays
            TarBytes.File("a/b/x", "x-2"),             // top wins
            TarBytes.File("z", "z-2"),
            Whiteout("k/.wh.added"),
        ], LayerCompression.Gzip);
        var config = ImageConfig.Empty(Platform.LinuxAmd64);
        return Image.Create(config, [bottom, middle, top]);
    }

    [Fact]
    public async Task Whiteouts_and_opaque_directories_give_the_final_filesystem()
    {
        var image = await ThreeLayers();
        var seen = new Dictionary<string, (TarEntryKind Kind, int Layer, string? Content)>();
        await ImageFilesystem.WalkAsync(image, async (entry, data, ct) =>
        {
            Assert.False(seen.ContainsKey(entry.Header.Name), $"{entry.Header.Name} visited twice");
            string? content = null;
            if (data is not null)
            {
                using var reader = new StreamReader(data, Encoding.UTF8, leaveOpen: true);
                content = await reader.ReadToEndAsync(ct);
            }
            seen[entry.Header.Name] = (entry.Header.Kind, entry.LayerIndex, content);
        }, Ct);

        var expected = new Dictionary<string, (TarEntryKind, int, string?)>
        {
            ["a"] = (TarEntryKind.Directory, 0, null),
            ["a/keep"] = (TarEntryKind.File, 0, "keep-0"),
            ["a/b"] = (TarEntryKind.Directory, 0, null),
            ["a/b/x"] = (TarEntryKind.File, 2, "x-2"),
            ["c"] = (TarEntryKind.File, 1, "c-is-a-file-1"),
            ["d"] = (TarEntryKind.Directory, 2, null),
            ["d/fresh"] = (TarEntryKind.File, 2, "fresh-2"),
            ["e"] = (TarEntryKind.Directory, 1, null),
            ["e/new"] = (TarEntryKind.File, 1, "new-1"),
            ["g"] = (TarEntryKind.Directory, 1, null),
            ["g/h"] = (TarEntryKind.File, 1, "h-1"),
            ["k"] = (TarEntryKind.Directory, 0, null),
            ["k/gone"] = (TarEntryKind.File, 0, "gone-0"),
            ["z"] = (TarEntryKind.File, 2, "z-2"),
        };
        var missing = expected.Keys.Except(seen.Keys).Order();
        var extra = seen.Keys.Except(expected.Keys).Order();
        Assert.True(!missing.Any() && !extra.Any(), $"missing: [{string.Join(", ", missing)}]; should be gone: [{string.Join(", ", extra)}]");
        foreach (var (path, value) in expected)
            Assert.Equal((path, value), (path, seen[path]));
    }

    [Fact]
    public async Task Paths_are_clean_and_unsafe_paths_are_skipped()
    {
        var layer = await InMemoryLayer.FromEntriesAsync(
        [
            TarBytes.Directory("./etc"), TarBytes.File("./etc/passwd", "root"), TarBytes.File("/abs", "a"),
            TarBytes.File("../escape", "no"), TarBytes.File("etc/../../escape2", "no"),
        ]);
        var image = Image.Create(ImageConfig.Empty(Platform.LinuxAmd64), [layer]);
        var names = new List<string>();
        await ImageFilesystem.WalkAsync(image, (entry, _, _) =>
        {
            names.Add(entry.Header.Name);
            return ValueTask.CompletedTask;
        }, Ct);
        Assert.Equal(["etc", "etc/passwd", "abs"], names);
    }

    [Fact]
    public async Task Corrupt_layer_names_the_layer()
    {
        var tar = await TarBytes.WriteAsync([TarBytes.File("a", new string('x', 2000))], Ct);
        var layer = InMemoryLayer.FromTar(tar[..1000]);
        var image = Image.Create(ImageConfig.Empty(Platform.LinuxAmd64), [layer]);
        var e = await Assert.ThrowsAsync<InvalidImageException>(() =>
            ImageFilesystem.WalkAsync(image, async (_, data, ct) => await data!.CopyToAsync(Stream.Null, ct), Ct));
        Assert.Contains(layer.Descriptor.Digest.ToString(), e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(LayerCompression.Gzip)]
    [InlineData(LayerCompression.Zstd)]
    public async Task A_layer_that_does_not_decompress_names_the_layer(LayerCompression compression)
    {
        // large enough that the decompressor fails long before the blob's end, where its digest is checked
        using var temp = new TempDir();
        var noise = new byte[1 << 20];
        new Random(3).NextBytes(noise);
        await File.WriteAllBytesAsync(temp["noise"], noise, Ct);
        var built = await LayerBuilder.BuildAsync([new FileTreeEntry(new TarEntryHeader { Name = "a", Kind = TarEntryKind.File, Mode = 0x1a4, Size = noise.Length }, temp["noise"])],
            new LayerBuildOptions { StagingDirectory = temp["staging"], Compression = compression }, Ct);
        var written = Image.Create(ImageConfig.Empty(Platform.LinuxAmd64), [built.Layer]);
        await Distill.Oci.Transports.WriteAsync(written, new OciLayoutReference(temp["oci"], "t"), new TransportOptions(), Ct);
        var digest = built.Layer.Descriptor.Digest;
        var blob = Path.Combine(temp["oci"], "blobs", "sha256", digest.Encoded);
        var bytes = await File.ReadAllBytesAsync(blob, Ct);
        for (var i = 10; i < bytes.Length / 2; i += 997)
            bytes[i] ^= 0xff;
        await File.WriteAllBytesAsync(blob, bytes, Ct);

        var image = await Distill.Oci.Transports.ReadAsync(new OciLayoutReference(temp["oci"], "t"), new TransportOptions(), Ct);
        var e = await Assert.ThrowsAsync<InvalidImageException>(() =>
            ImageFilesystem.WalkAsync(image, (_, _, _) => ValueTask.CompletedTask, Ct));
        Assert.Contains(digest.ToString(), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_layer_damaged_after_its_last_entry_is_refused()
    {
        // the reader stops at the first end block; the digest can only be checked once the blob's last byte is read
        using var temp = new TempDir();
        var tar = await TarBytes.WriteAsync([TarBytes.File("a", "a")], Ct);
        var written = Image.Create(ImageConfig.Empty(Platform.LinuxAmd64), [InMemoryLayer.FromTar(tar)]);
        await Distill.Oci.Transports.WriteAsync(written, new OciLayoutReference(temp["oci"], "t"), new TransportOptions(), Ct);
        LayoutValidator.AssertValid(temp["oci"]);
        var blob = Path.Combine(temp["oci"], "blobs", "sha256", written.Layers[0].Descriptor.Digest.Encoded);
        var bytes = await File.ReadAllBytesAsync(blob, Ct);
        bytes[^1] ^= 0xff;
        await File.WriteAllBytesAsync(blob, bytes, Ct);

        var image = await Distill.Oci.Transports.ReadAsync(new OciLayoutReference(temp["oci"], "t"), new TransportOptions(), Ct);
        var e = await Assert.ThrowsAsync<InvalidImageException>(() =>
            ImageFilesystem.WalkAsync(image, (_, _, _) => ValueTask.CompletedTask, Ct));
        Assert.Contains("digest mismatch", e.Message, StringComparison.Ordinal);
    }
}
