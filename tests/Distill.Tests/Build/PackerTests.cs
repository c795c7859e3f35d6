using Distill.Build;
using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Build;

/// <summary>
/// <see cref="Packer"/> in process: the rules behind <c>distill pack</c> that need no CLI around them (the CLI tests
/// cover the options end to end).
/// </summary>
public sealed class PackerTests
{
    private static async Task<PackResult> PackAsync(TempDir temp, PackOptions options) =>
        await Packer.PackAsync(options, new TransportOptions { Store = new LocalStore(temp["store"]) }, TestContext.Current.CancellationToken);

    private static PackOptions Options(TempDir temp, string directory, string entrypoint) => new()
    {
        Directory = directory,
        Entrypoint = entrypoint,
        StagingDirectory = temp["staging"],
    };

    [Fact]
    public async Task Env_from_the_base_is_replaced_by_key_and_extended()
    {
        using var temp = new TempDir();
        temp.Write("base/bin/sh", "", (UnixFileMode)0x1ed);
        var baseImage = await PackAsync(temp, Options(temp, temp["base"], "/bin/sh") with { Env = ["PATH=/bin", "LANG=C", "EMPTY="] });
        await OciLayoutWriter.WriteAsync(baseImage.Image, temp["base-layout"], null, removeNewBlobsOnFailure: false, TestContext.Current.CancellationToken);
        LayoutValidator.AssertValid(temp["base-layout"]);
        temp.Write("app/app", "", (UnixFileMode)0x1ed);
        var packed = await PackAsync(temp, Options(temp, temp["app"], "/app") with
        {
            Base = new OciLayoutReference(temp["base-layout"], null),
            Env = ["LANG=C.UTF-8", "NEW=a=b", "EMPTY=x", "PATH=/usr/bin:/bin"],
        });
        Assert.Equal(["PATH=/usr/bin:/bin", "LANG=C.UTF-8", "EMPTY=x", "NEW=a=b"], packed.Image.Config.Config!.Env!);
    }

    [Fact]
    public async Task Entrypoint_outside_the_app_dir_is_allowed_when_a_base_image_may_provide_it()
    {
        using var temp = new TempDir();
        temp.Write("base/bin/sh", "", (UnixFileMode)0x1ed);
        var baseImage = await PackAsync(temp, Options(temp, temp["base"], "/bin/sh"));
        await OciLayoutWriter.WriteAsync(baseImage.Image, temp["base-layout"], null, removeNewBlobsOnFailure: false, TestContext.Current.CancellationToken);
        temp.Write("app/script.sh", "echo");
        var packed = await PackAsync(temp, Options(temp, temp["app"], "/bin/sh") with { Base = new OciLayoutReference(temp["base-layout"], null), AppDir = "/srv" });
        Assert.Equal(["/bin/sh"], packed.Image.Config.Config!.Entrypoint!);
        Assert.Equal(2, packed.Image.Layers.Count);
        Assert.Equal(2, packed.Image.Config.RootFs.DiffIds.Count);
        Assert.Equal(2, packed.Image.Config.History!.Count);
    }

    [Theory]
    [InlineData("../outside")]
    [InlineData("/opt/app/../outside")]
    [InlineData("sub/../../outside")]
    public async Task Entrypoint_cannot_escape_the_directory_with_dot_dot(string entrypoint)
    {
        using var temp = new TempDir();
        temp.Write("outside", "#!/bin/sh\n", (UnixFileMode)0x1ed); // executable, but not in the packed directory
        temp.Write("app/sub/x", "");
        temp.Write("app/app", "", (UnixFileMode)0x1ed);
        var e = await Assert.ThrowsAsync<InvalidImageException>(() => PackAsync(temp, Options(temp, temp["app"], entrypoint) with { AppDir = "/opt/app" }));
        Assert.Contains("outside", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sizes_add_up_and_new_layers_are_the_built_ones()
    {
        using var temp = new TempDir();
        temp.Write("app/app", "#!/bin/sh\n", (UnixFileMode)0x1ed);
        temp.Write("app/lib/a", new string('a', 10000));
        var packed = await PackAsync(temp, Options(temp, temp["app"], "/app") with { SplitLayers = true });
        Assert.Equal(2, packed.NewLayers.Count);
        Assert.Equal(packed.Image.Layers.Select(l => l.Descriptor.Digest), packed.NewLayers.Select(l => l.Layer.Descriptor.Digest));
        var image = packed.Image;
        Assert.Equal(image.ManifestDescriptor.Size + image.Manifest.Config.Size + image.Layers.Sum(l => l.Descriptor.Size), packed.CompressedSize);
        Assert.True(packed.UncompressedSize > 10000, $"uncompressed {packed.UncompressedSize}");
        Assert.Equal(0, packed.UncompressedSize % 512);
    }
}
