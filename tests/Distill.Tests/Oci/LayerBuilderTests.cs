using System.Security.Cryptography;
using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Oci;

/// <summary>Layers written in one pass: the diffID is the sha256 of the tar real tools decompress, the digest that of the blob file.</summary>
public sealed class LayerBuilderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static List<FileTreeEntry> Entries(TempDir dir, int bigSize, int seed = 1)
    {
        var random = new Random(seed);
        var big = new byte[bigSize];
        // half random, half repetitive: compressible but not trivially
        random.NextBytes(big.AsSpan(0, bigSize / 2));
        for (var i = bigSize / 2; i < bigSize; i++)
            big[i] = (byte)(i % 251);
        File.WriteAllBytes(dir["big.bin"], big);
        dir.Write("small.txt", "hello layer\n");
        File.WriteAllBytes(dir["empty"], []);
        return
        [
            new(new TarEntryHeader { Name = "app", Kind = TarEntryKind.Directory, Mode = 0x1ed }, null),
            new(new TarEntryHeader { Name = "app/big.bin", Kind = TarEntryKind.File, Mode = 0x1a4, Size = bigSize }, dir["big.bin"]),
            new(new TarEntryHeader { Name = "app/empty", Kind = TarEntryKind.File, Mode = 0x1a4 }, dir["empty"]),
            new(new TarEntryHeader { Name = "app/small.txt", Kind = TarEntryKind.File, Mode = 0x1ed, Uid = 1000, Gid = 1000, Size = 12 }, dir["small.txt"]),
            new(new TarEntryHeader { Name = "app/link", Kind = TarEntryKind.Symlink, Mode = 0x1ff, LinkName = "small.txt" }, null),
        ];
    }

    /// <summary>The tar the entries should give, written here without LayerBuilder.</summary>
    private static async Task<byte[]> ExpectedTar(IEnumerable<FileTreeEntry> entries) =>
        await TarBytes.WriteAsync(entries.Select(e => (e.Header, e.SourcePath is null ? null : File.ReadAllBytes(e.SourcePath))), Ct);

    [Theory]
    [InlineData(LayerCompression.Gzip, false, 300_000)]
    [InlineData(LayerCompression.Zstd, false, 300_000)]
    [InlineData(LayerCompression.None, false, 300_000)]
    [InlineData(LayerCompression.Gzip, true, 300_000)]
    [InlineData(LayerCompression.Zstd, true, 10_000_000)]
    public async Task Digest_diffId_and_sizes_are_those_of_the_bytes(LayerCompression compression, bool docker, int bigSize)
    {
        using var dir = new TempDir();
        var entries = Entries(dir, bigSize);
        var staging = dir["staging"];
        var built = await LayerBuilder.BuildAsync(entries, new LayerBuildOptions { StagingDirectory = staging, Compression = compression, Docker = docker }, Ct);
        var layer = built.Layer;
        var tar = await ExpectedTar(entries);

        Assert.Equal(MediaTypes.LayerFor(compression, docker), layer.Descriptor.MediaType);
        Assert.Equal(Path.Combine(staging, layer.Descriptor.Digest.Encoded), layer.FilePath);
        var blob = await File.ReadAllBytesAsync(layer.FilePath!, Ct);
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(blob)), layer.Descriptor.Digest.ToString());
        Assert.Equal(blob.LongLength, layer.Descriptor.Size);
        Assert.Equal(tar.LongLength, built.UncompressedSize);
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(tar)), layer.DiffId.ToString());
        Assert.Equal(compression, LayerStreams.Detect(blob));
        Assert.DoesNotContain(Directory.GetFiles(staging), f => Path.GetFileName(f).StartsWith(".tmp-", StringComparison.Ordinal));

        // real tools decompress the blob to exactly the tar
        var tool = compression switch { LayerCompression.Gzip => Tool.Require("gzip", "gzip"), LayerCompression.Zstd => Tool.Require("zstd", "zstd"), _ => null };
        if (tool is not null)
        {
            var output = dir["decompressed.tar"];
            await Tool.RunOkAsync("sh", ["-c", "\"$0\" -dc < \"$1\" > \"$2\"", tool, layer.FilePath!, output]);
            var decompressed = await File.ReadAllBytesAsync(output, Ct);
            Assert.True(tar.AsSpan().SequenceEqual(decompressed), $"{Path.GetFileName(tool)} -dc does not give the tar");
        }
        else
        {
            Assert.True(tar.AsSpan().SequenceEqual(blob), "an uncompressed layer is the tar");
        }
        // and so does .NET, through the layer
        await using var uncompressed = await layer.OpenUncompressedAsync(Ct);
        using var memory = new MemoryStream();
        await uncompressed.CopyToAsync(memory, Ct);
        Assert.True(tar.AsSpan().SequenceEqual(memory.ToArray()), "OpenUncompressedAsync does not give the tar");
    }

    [Fact]
    public async Task Gzip_layer_over_4_MiB_is_parallel_members_gzip_reads_whole()
    {
        var gzip = Tool.Require("gzip", "gzip");
        using var dir = new TempDir();
        var entries = Entries(dir, 13 << 20);
        var built = await LayerBuilder.BuildAsync(entries, new LayerBuildOptions { StagingDirectory = dir["staging"], Compression = LayerCompression.Gzip }, Ct);
        var tar = await ExpectedTar(entries);
        Assert.True(tar.Length > 3 * ParallelGzipStream.DefaultChunkSize, "the input spans several chunks");
        var output = dir["out.tar"];
        await Tool.RunOkAsync("sh", ["-c", "\"$0\" -dc < \"$1\" > \"$2\"", gzip, built.Layer.FilePath!, output]);
        var decompressed = await File.ReadAllBytesAsync(output, Ct);
        Assert.True(tar.AsSpan().SequenceEqual(decompressed), "gzip -dc does not give the tar");
        Assert.Equal(Digest.Compute(tar), built.Layer.DiffId);
        // gzip -t checks every member's CRC and length
        await Tool.RunOkAsync(gzip, ["-t", built.Layer.FilePath!]);
        // several members: the gzip magic and deflate method appear at chunk boundaries
        var blob = await File.ReadAllBytesAsync(built.Layer.FilePath!, Ct);
        var members = 0;
        for (var i = 0; i + 2 < blob.Length; i++)
        {
            if (blob[i] == 0x1f && blob[i + 1] == 0x8b && blob[i + 2] == 8)
                members++;
        }
        Assert.True(members >= 3, $"expected several gzip members, found {members} candidate headers");
    }

    [Theory]
    [InlineData(LayerCompression.Gzip)]
    [InlineData(LayerCompression.Zstd)]
    [InlineData(LayerCompression.None)]
    public async Task Same_input_gives_the_same_digest(LayerCompression compression)
    {
        using var dir = new TempDir();
        var entries = Entries(dir, 5 << 20);
        var first = await LayerBuilder.BuildAsync(entries, new LayerBuildOptions { StagingDirectory = dir["a"], Compression = compression }, Ct);
        var second = await LayerBuilder.BuildAsync(entries, new LayerBuildOptions { StagingDirectory = dir["b"], Compression = compression }, Ct);
        Assert.Equal(first.Layer.Descriptor, second.Layer.Descriptor);
        Assert.Equal(first.Layer.DiffId, second.Layer.DiffId);
        // the same input into the same staging directory is the same file
        var third = await LayerBuilder.BuildAsync(entries, new LayerBuildOptions { StagingDirectory = dir["a"], Compression = compression }, Ct);
        Assert.Equal(first.Layer.FilePath, third.Layer.FilePath);
        Assert.Single(Directory.GetFiles(dir["a"]));
    }

    [Fact]
    public async Task File_that_changed_size_fails_and_leaves_nothing()
    {
        using var dir = new TempDir();
        dir.Write("f", "short");
        var entries = new List<FileTreeEntry> { new(new TarEntryHeader { Name = "f", Kind = TarEntryKind.File, Mode = 0x1a4, Size = 100 }, dir["f"]) };
        var e = await Assert.ThrowsAsync<InvalidImageException>(() =>
            LayerBuilder.BuildAsync(entries, new LayerBuildOptions { StagingDirectory = dir["staging"], Compression = LayerCompression.Gzip }, Ct));
        Assert.Contains("f", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(dir["staging"]));
    }

    [Fact]
    public async Task Random_images_are_valid_and_their_layers_verify()
    {
        using var dir = new TempDir();
        var image = await RandomImage.CreateAsync(dir["staging"], seed: 42, layers: 3, ct: Ct);
        OciSchemas.AssertValid(OciSchemas.Manifest, image.ManifestBytes.Span, "random image manifest");
        OciSchemas.AssertValid(OciSchemas.Config, image.ConfigBytes.Span, "random image config");
        Assert.Equal(3, image.Layers.Count);
        foreach (var layer in image.Layers)
        {
            await using var blob = new VerifyingStream(await layer.OpenCompressedAsync(Ct), layer.Descriptor, "random layer");
            await blob.CopyToAsync(Stream.Null, Ct);
            await using var tar = await layer.OpenUncompressedAsync(Ct);
            using var hashing = new HashingStream(tar);
            await hashing.CopyToAsync(Stream.Null, Ct);
            Assert.Equal(layer.DiffId, hashing.Digest);
        }
        var again = await RandomImage.CreateAsync(dir["staging2"], seed: 42, layers: 3, ct: Ct);
        Assert.Equal(image.ManifestDescriptor.Digest, again.ManifestDescriptor.Digest);
    }
}
