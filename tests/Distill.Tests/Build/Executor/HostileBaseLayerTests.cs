using Distill.Build;
using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Build.Executor;

/// <summary>
/// A base image whose layers try to write outside the snapshot (<c>../</c> names, absolute and escaping symlinks,
/// links to host paths, hardlinks to outside paths) cannot: the layers are unpacked into snapshots (the second one
/// through an overlay of the first) with every path resolved inside the root.
/// </summary>
public sealed class HostileBaseLayerTests(BuildWorld world) : IClassFixture<BuildWorld>
{
    // the snapshots hold the hostile symlinks (to / and elsewhere): never follow them while looking
    private static readonly EnumerationOptions NoLinks = new() { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint };
    private static readonly byte[] Hello = "hello"u8.ToArray();

    private static (TarEntryHeader, byte[]?) File(string name) => (new TarEntryHeader { Name = name, Kind = TarEntryKind.File, Mode = 0x1a4, Size = 5 }, Hello);
    private static (TarEntryHeader, byte[]?) Link(string name, string target) => (new TarEntryHeader { Name = name, Kind = TarEntryKind.Symlink, Mode = 0x1ff, LinkName = target }, null);
    private static (TarEntryHeader, byte[]?) Dir(string name) => (new TarEntryHeader { Name = name, Kind = TarEntryKind.Directory, Mode = 0x1ed }, null);
    private static (TarEntryHeader, byte[]?) Hard(string name, string target) => (new TarEntryHeader { Name = name, Kind = TarEntryKind.Hardlink, LinkName = target }, null);

    private async Task<string> BaseAsync(params IReadOnlyList<(TarEntryHeader, byte[]?)>[] layers)
    {
        var built = new List<ILayer>();
        foreach (var entries in layers)
            built.Add(await InMemoryLayer.FromEntriesAsync(entries, LayerCompression.Gzip));
        var dir = world.Temp[$"base-{Guid.NewGuid():N}"];
        await Transports.WriteAsync(Image.Create(ImageConfig.Empty(Platform.LinuxAmd64), built), new OciLayoutReference(dir, "latest"), new TransportOptions(), TestContext.Current.CancellationToken);
        return dir;
    }

    [Fact]
    public async Task Escaping_names_and_links_in_base_layers_land_inside_the_snapshot()
    {
        var marker = "distill-escape-" + Guid.NewGuid().ToString("N")[..8];
        var outside = world.Temp[$"outside-{marker}"];
        Directory.CreateDirectory(outside);
        var baseDir = await BaseAsync(
            [Dir("etc"), Link("toroot", "/"), Link("up", "../../../../../../"), Link("outdir", outside), Link("rel", "../../../../outside"), Dir("d"),
             Link("d/deep", "../../../../../outside"), Link("hostetc", "/../../../../etc")],
            [
                File($"../{marker}-1"),
                File($"a/../../{marker}-2"),
                File($"/../../../{marker}-3"),
                File($"toroot/{marker}-4"),
                File($"up/{marker}-5"),
                File($"outdir/{marker}-6"),
                File($"rel/{marker}-7"),
                File($"d/deep/{marker}-8"),
                File($"hostetc/{marker}-9"),
                Link($"{marker}-10", $"../../../../{outside}/{marker}-10-target"),
                File($"toroot/../../{marker}-11"),
                File($"{marker}-10"), // replaces the escaping symlink just made (tar semantics), writes nothing through it
            ]);
        var context = world.Context($"""
            FROM oci:{baseDir}:latest
            COPY marker /marker
            """, ("marker", "m\n"));
        var built = await world.BuildAsync(context);

        Assert.Empty(Directory.GetFileSystemEntries(outside));
        foreach (var dir in new[] { "/", "/etc", "/tmp", world.Temp.Path, world.Store.Root, Path.Combine(world.Store.Root, "build"), Path.Combine(world.Store.Root, "build", "snap") })
            Assert.Empty(Directory.GetFileSystemEntries(dir, marker + "*"));
        // inside the snapshots, every hostile path resolved within the root (as in a chroot)
        var snap = Path.Combine(world.Store.Root, "build", "snap");
        var landed = Directory.EnumerateFileSystemEntries(snap, marker + "*", NoLinks)
            .Select(p => string.Join('/', Path.GetRelativePath(snap, p).Split('/').Skip(2))) // <id>/fs/...
            .ToHashSet(StringComparer.Ordinal);
        foreach (var i in new[] { 1, 2, 3, 4, 5, 11 })
            Assert.True(landed.Contains($"{marker}-{i}"), $"{marker}-{i} should be at the root of the snapshot: {string.Join(", ", landed)}");
        Assert.True(landed.Contains($"{outside.TrimStart('/')}/{marker}-6"), string.Join("\n", landed));
        Assert.Contains($"outside/{marker}-7", landed);
        Assert.Contains($"outside/{marker}-8", landed);
        Assert.Contains($"etc/{marker}-9", landed);
        var files = await BuildWorld.FilesAsync(built.Image);
        Assert.True(files.ContainsKey("marker"));
    }

    [Theory]
    [InlineData("../../../../etc/passwd")]
    [InlineData("/etc/shadow")]
    [InlineData("hostetc/passwd")]
    public async Task A_hardlink_to_anything_outside_fails_the_build_and_links_nothing(string target)
    {
        var baseDir = await BaseAsync([Dir("etc"), Link("hostetc", "/../../etc")], [Hard("stolen", target)]);
        var context = world.Context($"""
            FROM oci:{baseDir}:latest
            COPY marker /marker
            """, ("marker", "m\n"));
        var e = await Assert.ThrowsAnyAsync<Exception>(() => world.BuildAsync(context));
        Assert.Contains("hard link", e.Message, StringComparison.Ordinal);
        Assert.Empty(Mounts.Below(world.Temp.Path));
        var snapshots = Path.Combine(world.Store.Root, "build", "snap");
        Assert.Empty(Directory.EnumerateFiles(snapshots, "stolen", NoLinks));
    }
}
