using System.Text;
using Distill.Analysis;
using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Analysis;

/// <summary>Image and host-directory root filesystems: the index, reading files back by offset, and chroot-like symlink resolution.</summary>
public sealed class RootFilesystemTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static (TarEntryHeader, byte[]?) Link(string name, string target) =>
        (new TarEntryHeader { Name = name, Kind = TarEntryKind.Symlink, Mode = 0x1ff, LinkName = target }, null);

    private static (TarEntryHeader, byte[]?) HardLink(string name, string target) =>
        (new TarEntryHeader { Name = name, Kind = TarEntryKind.Hardlink, Mode = 0x1ed, LinkName = target }, null);

    private static async Task<ImageRootFilesystem> TwoLayerImageAsync(Func<string, bool>? prefetch = null)
    {
        var bottom = await InMemoryLayer.FromEntriesAsync(
        [
            TarBytes.Directory("usr"), TarBytes.Directory("usr/lib"),
            TarBytes.File("usr/lib/libone.so.1", "one-0"), TarBytes.File("usr/lib/libgone.so", "gone"),
            TarBytes.File("usr/lib/libtwo.so.2", "two-0"), HardLink("usr/lib/libtwo-hard.so", "usr/lib/libtwo.so.2"),
            Link("lib", "usr/lib"), Link("escape", "../../../../usr/lib/libone.so.1"),
            Link("loop1", "loop2"), Link("loop2", "/loop1"),
        ], LayerCompression.Gzip);
        var top = await InMemoryLayer.FromEntriesAsync(
        [
            TarBytes.File("usr/lib/libone.so.1", "one-1"), TarBytes.File("usr/lib/.wh.libgone.so", ""),
            TarBytes.File("etc/passwd", "root:x:0:0::/root:/bin/sh\n"), // no etc/ entry: the directory is implied
        ], LayerCompression.None);
        var image = Image.Create(ImageConfig.Empty(Platform.LinuxAmd64), [bottom, top]);
        return await ImageRootFilesystem.CreateAsync(image, prefetch, 1 << 20, Ct);
    }

    [Fact]
    public async Task The_image_index_applies_whiteouts_implies_parents_and_reads_files_by_offset()
    {
        var fs = await TwoLayerImageAsync();
        Assert.Null(fs.Lstat("/usr/lib/libgone.so"));
        Assert.Equal(TarEntryKind.Directory, fs.Lstat("/etc")?.Kind);
        Assert.Equal(["passwd"], fs.List("/etc"));
        Assert.Equal(["libone.so.1", "libtwo-hard.so", "libtwo.so.2"], fs.List("/usr/lib").Order(StringComparer.Ordinal));
        var hard = fs.Lstat("/usr/lib/libtwo-hard.so");
        Assert.Equal(TarEntryKind.File, hard?.Kind);
        Assert.Equal(5, hard?.Size);

        var files = await fs.ReadFilesAsync(["/usr/lib/libone.so.1", "/usr/lib/libtwo.so.2", "/usr/lib/libtwo-hard.so", "/etc/passwd", "/nothing"], 1 << 20, Ct);
        Assert.Equal("one-1", Encoding.UTF8.GetString(files["/usr/lib/libone.so.1"]));
        Assert.Equal("two-0", Encoding.UTF8.GetString(files["/usr/lib/libtwo.so.2"]));
        Assert.Equal("two-0", Encoding.UTF8.GetString(files["/usr/lib/libtwo-hard.so"]));
        Assert.StartsWith("root:", Encoding.UTF8.GetString(files["/etc/passwd"]), StringComparison.Ordinal);
        Assert.False(files.ContainsKey("/nothing"));
        Assert.Empty(await fs.ReadFilesAsync(["/usr/lib/libone.so.1"], 2, Ct)); // over the limit
    }

    [Fact]
    public async Task Verify_decompresses_each_layer_once_when_the_entrypoint_and_its_libraries_are_taken_in_the_index_pass()
    {
        using var temp = new TempDir();
        var debian = await Transports.ReadAsync(new OciLayoutReference(DebianBase.Path, DebianBase.Tag), new TransportOptions { Store = new LocalStore(temp["store"]) }, Ct);
        var counted = debian.Layers.Select(l => new LayerOpenCounter(l)).ToList();
        // /bin/ls through the /bin -> usr/bin link; libselinux, libpcre2, libc and the loader through /lib64 and the cache
        var image = Image.Create(debian.Config with { Config = (debian.Config.Config ?? new ContainerConfig()) with { Entrypoint = ["/bin/ls"], Cmd = null } }, counted);

        var report = await ImageVerifier.VerifyAsync(image, Ct);

        Assert.True(report.Ok && report.Findings.Count == 0, string.Join("\n", report.Findings));
        Assert.Contains(report.Closure!.Libraries, l => l.Name == "libselinux.so.1");
        Assert.All(counted, l => Assert.Equal(1, l.Opens));
    }

    [Fact]
    public async Task Symlinks_resolve_inside_the_image_root()
    {
        var fs = await TwoLayerImageAsync(path => path == "/etc/passwd");
        var viaLib = RootPath.Resolve(fs, "/lib/libone.so.1");
        Assert.True(viaLib.Exists);
        Assert.Equal("/usr/lib/libone.so.1", viaLib.Path);
        // ../ above the root stays at the root, as in a chroot
        Assert.Equal("/usr/lib/libone.so.1", RootPath.Resolve(fs, "/escape").Path);
        Assert.Equal(PathProblem.SymlinkLoop, RootPath.Resolve(fs, "/loop1").Problem);
        Assert.Equal(PathProblem.NotFound, RootPath.Resolve(fs, "/lib/libgone.so").Problem);
        Assert.Equal(PathProblem.NotDirectory, RootPath.Resolve(fs, "/etc/passwd/x").Problem);
        var unfollowed = RootPath.Resolve(fs, "/lib", followLast: false);
        Assert.Equal(TarEntryKind.Symlink, unfollowed.Entry?.Kind);
        Assert.StartsWith("root:", Encoding.UTF8.GetString((await RootPath.ReadFileAsync(fs, "/etc/../etc/passwd", 1 << 20, Ct))!), StringComparison.Ordinal);
    }

    [Fact]
    public void A_host_directory_resolves_its_links_inside_itself()
    {
        using var temp = new TempDir();
        temp.Write("root/usr/lib/libx.so.1", "x");
        Directory.CreateDirectory(temp["root/etc"]);
        File.CreateSymbolicLink(temp["root/lib"], "usr/lib");
        File.CreateSymbolicLink(temp["root/abs"], "/usr/lib/libx.so.1");   // absolute: inside the root, not the host's /usr
        File.CreateSymbolicLink(temp["root/up"], "../../../../../etc");      // stays at the root's /etc
        File.CreateSymbolicLink(temp["root/self"], "self");
        var fs = new HostRootFilesystem(temp["root"]);
        Assert.Equal("/usr/lib/libx.so.1", RootPath.Resolve(fs, "/lib/libx.so.1").Path);
        Assert.Equal("/usr/lib/libx.so.1", RootPath.Resolve(fs, "/abs").Path);
        Assert.Equal("/etc", RootPath.Resolve(fs, "/up").Path);
        Assert.Empty(fs.List("/etc"));
        Assert.Equal(PathProblem.SymlinkLoop, RootPath.Resolve(fs, "/self").Problem);
        Assert.Equal(PathProblem.NotFound, RootPath.Resolve(fs, "/usr/lib/libnone.so").Problem);
        Assert.Equal(TarEntryKind.File, RootPath.Resolve(fs, "/abs").Entry?.Kind);
    }
}
