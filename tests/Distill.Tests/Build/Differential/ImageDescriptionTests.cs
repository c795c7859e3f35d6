using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Build.Differential;

public sealed class ImageDescriptionTests
{
    private static readonly byte[] Data = "data\n"u8.ToArray();

    private static (TarEntryHeader, byte[]?) File(string name, int mode = 0x1a4) =>
        (new TarEntryHeader { Name = name, Kind = TarEntryKind.File, Mode = mode, Size = Data.Length }, Data);

    // a tar writer gives a hard link the header of the inode it links to
    private static (TarEntryHeader, byte[]?) Hardlink(string name, string target, int mode) =>
        (new TarEntryHeader { Name = name, Kind = TarEntryKind.Hardlink, Mode = mode, LinkName = target }, null);

    private static (TarEntryHeader, byte[]?) Dir(string name, int mode = 0x1ed) =>
        (new TarEntryHeader { Name = name, Kind = TarEntryKind.Directory, Mode = mode }, null);

    private static async Task<ImageDescription> DescribeAsync(params IReadOnlyList<(TarEntryHeader, byte[]?)>[] layers)
    {
        var built = new List<ILayer>();
        foreach (var entries in layers)
            built.Add(await InMemoryLayer.FromEntriesAsync(entries));
        var config = ImageConfig.Empty(Platform.LinuxAmd64) with { Config = new ContainerConfig { Env = ["A=1"], WorkingDir = "/w" } };
        return await ImageDescription.OfAsync(Image.Create(config, built), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Hard_links_read_the_same_whichever_name_the_tar_stored_first()
    {
        var first = await DescribeAsync([Dir("d"), File("d/a", 0x9ed), Hardlink("d/b", "d/a", 0x9ed)]);
        var second = await DescribeAsync([Dir("d"), File("d/b", 0x9ed), Hardlink("d/a", "d/b", 0x9ed)]);
        Assert.Null(ListingDiff.Unified(first.Lines, second.Lines, "a first", "b first"));
        Assert.Contains("/d/b\tfile 4755 0:0 5 sha256:6667b2d1aab6a00caa5aee5af8ad9f1465e567abf1c209d15727d57b3e8f6e5f links=/d/a", first.Lines);
    }

    [Fact]
    public async Task The_listing_is_the_final_tree_with_the_config_fields()
    {
        var description = await DescribeAsync(
            [Dir("d"), File("d/gone"), File("d/kept")],
            [Dir("d", 0x3ff), File("d/.wh.gone")]);
        Assert.Equal(
        [
            "/d\tdir 1777 0:0",
            "/d/kept\tfile 0644 0:0 5 sha256:6667b2d1aab6a00caa5aee5af8ad9f1465e567abf1c209d15727d57b3e8f6e5f",
            "@config.Cmd\tnull",
            "@config.Entrypoint\tnull",
            "@config.Env\t[\"A=1\"]",
            "@config.ExposedPorts\tnull",
            "@config.Healthcheck\tnull",
            "@config.Labels\tnull",
            "@config.StopSignal\tnull",
            "@config.User\tnull",
            "@config.Volumes\tnull",
            "@config.WorkingDir\t\"/w\"",
        ], description.Lines);
    }
}
