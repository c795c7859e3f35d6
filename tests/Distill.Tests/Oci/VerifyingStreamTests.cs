using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Oci;

/// <summary>A blob that does not match its descriptor is never taken for good: the error names the digest.</summary>
public sealed class VerifyingStreamTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly byte[] Content = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 7)).ToArray();
    private static readonly Descriptor Good = Descriptor.For(MediaTypes.OciLayerGzip, Content);

    private static async Task<byte[]> ReadAll(Descriptor descriptor, byte[] content, bool async)
    {
        await using var stream = new VerifyingStream(new NonSeekableStream(content, 1000), descriptor, "blob under test");
        using var memory = new MemoryStream();
        if (async)
            await stream.CopyToAsync(memory, Ct);
        else
            stream.CopyTo(memory);
        return memory.ToArray();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Matching_blob_reads_through(bool async) => Assert.Equal(Content, await ReadAll(Good, Content, async));

    public static TheoryData<string, bool> Mismatches => new()
    {
        { "one byte changed", true }, { "one byte changed", false },
        { "shorter", true }, { "shorter", false },
        { "longer", true }, { "longer", false },
        { "wrong digest", true },
    };

    [Theory]
    [MemberData(nameof(Mismatches))]
    public async Task Mismatching_blob_throws_naming_the_digest(string how, bool async)
    {
        var content = (byte[])Content.Clone();
        var descriptor = Good;
        switch (how)
        {
            case "one byte changed": content[content.Length / 2] ^= 1; break;
            case "shorter": content = content[..^1]; break;
            case "longer": content = [.. content, 0]; break;
            case "wrong digest": descriptor = Good with { Digest = Digest.Compute("other"u8) }; break;
        }
        var e = await Assert.ThrowsAsync<InvalidImageException>(() => ReadAll(descriptor, content, async));
        Assert.Contains(descriptor.Digest.ToString(), e.Message, StringComparison.Ordinal);
        Assert.StartsWith("blob under test:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reader_that_stops_at_the_size_still_gets_the_check()
    {
        var content = (byte[])Content.Clone();
        content[^1] ^= 0xff;
        await using var stream = new VerifyingStream(new MemoryStream(content), Good, "blob");
        var buffer = new byte[content.Length];
        await Assert.ThrowsAsync<InvalidImageException>(async () => await stream.ReadExactlyAsync(buffer, Ct));
    }

    [Fact]
    public async Task Sha512_descriptors_are_verified()
    {
        var sha512 = Digest.Parse("sha512:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA512.HashData(Content)));
        Assert.Equal(Content, await ReadAll(Good with { Digest = sha512 }, Content, async: true));
        var bad = (byte[])Content.Clone();
        bad[0] ^= 1;
        var e = await Assert.ThrowsAsync<InvalidImageException>(() => ReadAll(Good with { Digest = sha512 }, bad, async: true));
        Assert.Contains(sha512.ToString(), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Image_verify_checks_size_and_digest()
    {
        Image.Verify(Good, Content, "config");
        var e = Assert.Throws<InvalidImageException>(() => Image.Verify(Good, Content.AsSpan(1), "config"));
        Assert.Contains(Good.Digest.ToString(), e.Message, StringComparison.Ordinal);
        var changed = (byte[])Content.Clone();
        changed[5] ^= 1;
        e = Assert.Throws<InvalidImageException>(() => Image.Verify(Good, changed, "config"));
        Assert.Contains(Good.Digest.ToString(), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Image_from_bytes_refuses_a_config_that_does_not_match()
    {
        var image = Image.Create(ImageConfig.Empty(Platform.LinuxAmd64), [InMemoryLayer.FromTar(new byte[1024])]);
        var config = image.ConfigBytes.ToArray();
        config[^2] = (byte)' ';
        var e = Assert.Throws<InvalidImageException>(() =>
            Image.FromBytes(image.ManifestBytes.ToArray(), config, (_, d, id) => image.Layers[0], "source"));
        Assert.Contains(image.Manifest.Config.Digest.ToString(), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Layer_from_a_source_file_is_verified_as_read()
    {
        using var dir = new TempDir();
        var path = dir["blob"];
        var content = (byte[])Content.Clone();
        content[10] ^= 1;
        await File.WriteAllBytesAsync(path, content, Ct);
        var layer = BlobLayer.FromSourceFile(Good, Digest.Compute("x"u8), path, "oci:dir");
        await using var stream = await layer.OpenCompressedAsync(Ct);
        var e = await Assert.ThrowsAsync<InvalidImageException>(() => stream.CopyToAsync(Stream.Null, Ct));
        Assert.Contains(Good.Digest.ToString(), e.Message, StringComparison.Ordinal);
    }
}
