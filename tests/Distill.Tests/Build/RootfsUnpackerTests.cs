using Distill.Build;
using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Build;

/// <summary>A hostile base layer cannot write or link outside the directory it is unpacked into.</summary>
public sealed class RootfsUnpackerTests
{
    private static TarEntryHeader File(string name, int mode = 0x1a4) => new() { Name = name, Kind = TarEntryKind.File, Mode = mode, Size = 5 };
    private static TarEntryHeader Dir(string name) => new() { Name = name, Kind = TarEntryKind.Directory, Mode = 0x1ed };
    private static TarEntryHeader Whiteout(string name) => new() { Name = name, Kind = TarEntryKind.File, Mode = 0x1a4, Size = 0 };
    private static TarEntryHeader Link(string name, string target) => new() { Name = name, Kind = TarEntryKind.Symlink, Mode = 0x1ff, LinkName = target };

    private static async Task<IImage> ImageAsync(params IReadOnlyList<(TarEntryHeader Header, byte[]? Data)>[] layers)
    {
        var built = new List<ILayer>();
        foreach (var entries in layers)
            built.Add(await InMemoryLayer.FromEntriesAsync(entries));
        return Image.Create(ImageConfig.Empty(Platform.LinuxAmd64), built);
    }

    private static readonly byte[] Hello = "hello"u8.ToArray();

    [Fact]
    public async Task Hostile_entries_stay_inside_the_root()
    {
        using var temp = new TempDir();
        var marker = "distill-escape-" + Guid.NewGuid().ToString("N")[..8];
        var outside = temp["outside"];
        Directory.CreateDirectory(outside);
        var rootfs = temp["sandbox/rootfs"];
        var image = await ImageAsync(
        [
            (File($"../{marker}-1"), Hello),
            (File($"a/../../{marker}-2"), Hello),
            (File($"/../../../{marker}-3"), Hello),
            (Link("toroot", "/"), null),
            (File($"toroot/{marker}-4"), Hello),
            (Link("up", "../../../../../../"), null),
            (File($"up/{marker}-5"), Hello),
            (Link("outdir", outside), null),
            (File($"outdir/{marker}-6"), Hello),
            (Link("rel", "../outside"), null),
            (File($"rel/{marker}-7"), Hello),
            (Dir("d"), null),
            (Link("d/deep", "../../../../outside"), null),
            (File($"d/deep/{marker}-8"), Hello),
            (Link("etc", "/../../../../real-etc"), null),
            (File($"etc/{marker}-9"), Hello),
            (Link($"{marker}-10", $"../outside/{marker}-10-target"), null),
        ]);
        await RootfsUnpacker.UnpackAsync(image, rootfs, TestContext.Current.CancellationToken);

        Assert.Empty(Directory.GetFiles(outside));
        Assert.Empty(Directory.GetFiles(temp["sandbox"], marker + "*"));
        Assert.Empty(Directory.GetFiles(temp.Path, marker + "*"));
        Assert.False(System.IO.File.Exists($"/{marker}-4") || System.IO.File.Exists($"/etc/{marker}-9") || System.IO.File.Exists($"/tmp/{marker}-1"));
        // everything landed inside: the links were followed within the root
        Assert.True(System.IO.File.Exists(Path.Combine(rootfs, $"{marker}-1")));
        Assert.True(System.IO.File.Exists(Path.Combine(rootfs, $"{marker}-4")));
        Assert.True(System.IO.File.Exists(Path.Combine(rootfs, $"{marker}-5")));
        Assert.True(System.IO.File.Exists(Path.Combine(rootfs, outside.TrimStart('/'), $"{marker}-6")));
        Assert.True(System.IO.File.Exists(Path.Combine(rootfs, "outside", $"{marker}-7")));
        Assert.True(System.IO.File.Exists(Path.Combine(rootfs, "real-etc", $"{marker}-9")));
    }

    [Theory]
    [InlineData("../../../../etc/passwd")]
    [InlineData("/etc/shadow")]
    [InlineData("escape-link/passwd")]
    public async Task Hardlinks_to_anything_outside_are_refused(string target)
    {
        using var temp = new TempDir();
        var image = await ImageAsync(
        [
            (Link("escape-link", "/../../etc"), null),
            (new TarEntryHeader { Name = "stolen", Kind = TarEntryKind.Hardlink, LinkName = target }, null),
        ]);
        var e = await Assert.ThrowsAsync<InvalidImageException>(() => RootfsUnpacker.UnpackAsync(image, temp["rootfs"], TestContext.Current.CancellationToken));
        Assert.Contains("hard link", e.Message, StringComparison.Ordinal);
        Assert.False(System.IO.File.Exists(temp["rootfs/stolen"]));
    }

    [Fact]
    public async Task Layers_apply_in_order_with_whiteouts_and_opaque_directories()
    {
        using var temp = new TempDir();
        var image = await ImageAsync(
            [(Dir("app"), null), (File("app/old"), Hello), (File("app/keep"), Hello), (Dir("cache"), null), (File("cache/x"), Hello), (File("gone"), Hello)],
            [(Whiteout(".wh.gone"), null), (Whiteout("app/.wh.old"), null), (Whiteout("cache/.wh..wh..opq"), null), (File("cache/y"), Hello),
             (new TarEntryHeader { Name = "app/keep-link", Kind = TarEntryKind.Hardlink, LinkName = "app/keep" }, null)]);
        var rootfs = temp["rootfs"];
        await RootfsUnpacker.UnpackAsync(image, rootfs, TestContext.Current.CancellationToken);
        Assert.False(System.IO.File.Exists(Path.Combine(rootfs, "gone")));
        Assert.False(System.IO.File.Exists(Path.Combine(rootfs, "app/old")));
        Assert.True(System.IO.File.Exists(Path.Combine(rootfs, "app/keep")));
        Assert.Equal(["y"], Directory.GetFiles(Path.Combine(rootfs, "cache")).Select(Path.GetFileName));
        Assert.Equal("hello", System.IO.File.ReadAllText(Path.Combine(rootfs, "app/keep-link")));
    }

    [Fact]
    public async Task Symlink_loops_are_an_error_not_a_hang()
    {
        using var temp = new TempDir();
        var image = await ImageAsync([(Link("a", "b"), null), (Link("b", "a"), null), (File("a/x"), Hello)]);
        await Assert.ThrowsAsync<InvalidImageException>(() => RootfsUnpacker.UnpackAsync(image, temp["rootfs"], TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_layer_damaged_anywhere_is_refused()
    {
        // an uncompressed layer whose file data was changed in the layout: the digest is checked at the blob's last byte,
        // which lies after the tar's first end block
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempDir();
        var written = await ImageAsync([(File("msg"), Hello)]);
        await Distill.Oci.Transports.WriteAsync(written, new OciLayoutReference(temp["oci"], "t"), new TransportOptions(), ct);
        LayoutValidator.AssertValid(temp["oci"]);
        var blob = Path.Combine(temp["oci"], "blobs", "sha256", written.Layers[0].Descriptor.Digest.Encoded);
        var bytes = await System.IO.File.ReadAllBytesAsync(blob, ct);
        var at = bytes.AsSpan().IndexOf(Hello);
        "HELLO"u8.CopyTo(bytes.AsSpan(at));
        await System.IO.File.WriteAllBytesAsync(blob, bytes, ct);

        var image = await Distill.Oci.Transports.ReadAsync(new OciLayoutReference(temp["oci"], "t"), new TransportOptions(), ct);
        var e = await Assert.ThrowsAsync<InvalidImageException>(() => RootfsUnpacker.UnpackAsync(image, temp["rootfs"], ct));
        Assert.Contains("digest mismatch", e.Message, StringComparison.Ordinal);
    }
}
