using System.Text;
using Distill.Analysis;
using Distill.Analysis.Inventory;
using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Analysis.Inventory;

/// <summary>
/// The inventory of whole images: a crafted one with every database kind (and whiteouts), read in one streaming pass
/// and through an indexed root filesystem with the same answer; a real Go module binary; the Debian base against
/// dpkg-query run on its unpacked database.
/// </summary>
public sealed class PackageInventoryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static (TarEntryHeader, byte[]?) Bytes(string name, byte[] data, int mode) =>
        (new TarEntryHeader { Name = name, Kind = TarEntryKind.File, Mode = mode, Size = data.Length }, data);

    private static (TarEntryHeader, byte[]?) Link(string name, string target) =>
        (new TarEntryHeader { Name = name, Kind = TarEntryKind.Symlink, Mode = 0x1ff, LinkName = target }, null);

    private static async Task<IImage> CraftedImageAsync()
    {
        var go = await File.ReadAllBytesAsync((await GoModuleProgram.GetAsync()).App, Ct);
        var notGo = await File.ReadAllBytesAsync("/usr/bin/true", Ct);
        var bottom = await InMemoryLayer.FromEntriesAsync(
        [
            TarBytes.File("usr/lib/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n"),
            Link("etc/os-release", "../usr/lib/os-release"),
            TarBytes.File("var/lib/dpkg/status.d/tzdata", "Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\n"),
            TarBytes.File("var/lib/dpkg/status.d/tzdata.md5sums", "abc  usr/share/zoneinfo/UTC\n"),
            TarBytes.File("var/lib/dpkg/status.d/libssl3", "Package: libssl3\nVersion: 3.0.11-1~deb12u2\nArchitecture: amd64\nSource: openssl\n"),
            TarBytes.File("var/lib/dpkg/status.d/base-files", "Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n"),
            TarBytes.File("app/Calc.deps.json", DotNetDepsTests.Deps),
            Bytes("usr/local/bin/app", go, 0x1ed),
            Bytes("opt/old/app", go, 0x1ed),
            Bytes("usr/bin/true", notGo, 0x1ed),
            Bytes("usr/share/not-executable-go", go, 0x1a4),
            TarBytes.File("usr/local/bin/script", "#!/bin/sh\necho hi\n", 0x1ed),
        ], LayerCompression.Gzip);
        var top = await InMemoryLayer.FromEntriesAsync(
        [
            TarBytes.File("var/lib/dpkg/status.d/.wh.libssl3", ""),
            TarBytes.File("opt/.wh.old", ""),
            TarBytes.File("var/lib/dpkg/status.d/base-files", "Package: base-files\nVersion: 12.4+deb12u6\nArchitecture: amd64\n"),
        ], LayerCompression.None);
        return Image.Create(ImageConfig.Empty(Platform.LinuxAmd64), [bottom, top]);
    }

    private static string[] Lines(PackageInventoryResult result) =>
        [.. result.Packages.Select(p => $"{p.Purl} {string.Join(',', p.Locations)}{(p.IsApplication ? " app" : "")}")];

    [Fact]
    public async Task Every_database_kind_with_whiteouts_applied_in_one_pass()
    {
        var program = await GoModuleProgram.GetAsync();
        var stdlib = program.GoVersion[2..];
        var result = await PackageInventory.ScanAsync(await CraftedImageAsync(), Ct);
        // sorted by type, then name (ordinal: the dependency's "Lib" comes before "app")
        Assert.Equal(
        [
            "pkg:deb/debian/base-files@12.4%2Bdeb12u6?arch=amd64&distro=debian-12 /var/lib/dpkg/status.d/base-files",
            "pkg:deb/debian/tzdata@2024a-0%2Bdeb12u1?arch=all&distro=debian-12 /var/lib/dpkg/status.d/tzdata",
            "pkg:golang/example.com/lib@v1.2.3 /usr/local/bin/app",
            "pkg:golang/example.com/app /usr/local/bin/app app",
            $"pkg:golang/stdlib@{stdlib} /usr/local/bin/app",
            "pkg:nuget/Newtonsoft.Json@13.0.3 /app/Calc.deps.json",
            "pkg:nuget/System.Text.Json@8.0.5 /app/Calc.deps.json",
        ], Lines(result));
        Assert.Equal(new OsRelease("debian", "12", "Debian GNU/Linux 12 (bookworm)"), result.OperatingSystem);
        var main = result.Packages.Single(p => p.IsApplication);
        Assert.Equal(("example.com/app", "(devel)", PackageType.Golang, "example.com/app", program.GoVersion), (main.Name, main.Version, main.Type, main.GoMainModule, main.GoVersion));
        Assert.Equal("v1.2.3", result.Packages.Single(p => p.Name == "example.com/Lib").Version);
        Assert.Single(result.Problems); // the crafted deps.json's "Broken" library
    }

    [Fact]
    public async Task An_indexed_root_filesystem_gives_the_same_inventory()
    {
        var image = await CraftedImageAsync();
        var prefetched = new List<string>();
        var fs = await ImageRootFilesystem.CreateAsync(image, path =>
        {
            var wanted = PackageInventory.IsDatabase(path);
            if (wanted)
                prefetched.Add(path);
            return wanted;
        }, PackageInventory.DatabaseLimit, Ct);
        Assert.Contains("/var/lib/dpkg/status.d/tzdata", prefetched);
        Assert.DoesNotContain("/var/lib/dpkg/status.d/tzdata.md5sums", prefetched);
        Assert.Equal(Lines(await PackageInventory.ScanAsync(image, Ct)), Lines(await PackageInventory.ScanAsync(fs, Ct)));
    }

    [Fact]
    public async Task A_collector_fed_bottom_up_forgets_what_upper_layers_remove()
    {
        var go = await File.ReadAllBytesAsync((await GoModuleProgram.GetAsync()).App, Ct);
        var collector = new PackageCollector();
        await collector.ObserveAsync("/bin/app", 0x1ed, go.Length, new MemoryStream(go), Ct);
        await collector.ObserveAsync("/var/lib/dpkg/status.d/a", 0x1a4, 25, new MemoryStream("Package: a\nVersion: 1\n\n\n\n"u8.ToArray()), Ct);
        Assert.Equal(4, collector.Finish().Packages.Count);
        collector.Forget("/var/lib/dpkg");
        await collector.ObserveAsync("/bin/app", 0x1ed, 5, new MemoryStream("hello"u8.ToArray()), Ct); // replaced by a non-Go file
        Assert.Empty(collector.Finish().Packages);
    }

    [Fact]
    public async Task The_go_build_info_is_read_from_a_stream_in_small_reads_as_go_version_m_reads_it()
    {
        var go = Tool.Require("go", "golang-go");
        var goTool = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(ResolveLink(go))!, "go"));
        foreach (var binary in new[] { (await GoModuleProgram.GetAsync()).App, goTool })
        {
            var bytes = await File.ReadAllBytesAsync(binary, Ct);
            var streamed = await GoBinaryReader.ReadAsync(new NonSeekableStream(bytes, 4093), Ct);
            Assert.NotNull(streamed);
            // go's own reader: `go version -m` prints "PATH: VERSION", then "\tpath\t…", "\tmod\t…", "\tdep\t…", "\t=>\t…"
            var expected = (await Tool.RunOkAsync(go, ["version", "-m", binary])).Stdout.Split('\n');
            Assert.Equal(expected[0][(expected[0].IndexOf(": ", StringComparison.Ordinal) + 2)..], streamed.Version);
            var modules = streamed.Modules!;
            var ours = new List<string>();
            if (modules.Path is { } p)
                ours.Add($"path\t{p}");
            if (modules.Main is { } m)
                ours.Add($"mod\t{m.Path}\t{m.Version}\t{m.Sum}");
            foreach (var d in modules.Dependencies)
            {
                ours.Add($"dep\t{d.Path}\t{d.Version}\t{d.Sum}");
                if (d.Replace is { } r)
                    ours.Add($"=>\t{r.Path}\t{r.Version}\t{r.Sum}");
            }
            ours.AddRange(modules.Settings.Select(s => $"build\t{s.Key}={s.Value}"));
            var theirs = expected.Skip(1).Select(l => l.Trim('\t').TrimEnd('\t')).Where(l => l.Length > 0 && !l.StartsWith("build\t", StringComparison.Ordinal)).ToList();
            Assert.Equal(theirs, ours.Where(l => !l.StartsWith("build\t", StringComparison.Ordinal)).Select(l => l.TrimEnd('\t')));
            Assert.Equal(expected.Count(l => l.StartsWith("\tbuild\t", StringComparison.Ordinal)), modules.Settings.Count);
        }
        Assert.Null(await GoBinaryReader.ReadAsync(new NonSeekableStream(await File.ReadAllBytesAsync("/usr/bin/true", Ct), 4093), Ct));
        Assert.Null(await GoBinaryReader.ReadAsync(new MemoryStream("#!/bin/sh\n"u8.ToArray()), Ct));
    }

    [Fact]
    public async Task The_debian_base_lists_what_dpkg_query_lists()
    {
        using var temp = new TempDir();
        var dpkgQuery = Tool.Require("dpkg-query", "dpkg");
        var tar = Tool.Require("tar", "tar");
        var image = await Transports.ReadAsync(new OciLayoutReference(DebianBase.Path, DebianBase.Tag), new TransportOptions { Store = new LocalStore(temp["store"]) }, Ct);
        // unpack the database with tar, layer by layer (the debootstrap base has no whiteouts), for dpkg's own reader
        Directory.CreateDirectory(temp["root"]);
        foreach (var layer in image.Manifest.Layers)
        {
            var blob = Path.Combine(DebianBase.Path, "blobs", layer.Digest.Algorithm, layer.Digest.Encoded);
            await Tool.RunOkAsync(tar, ["-xzf", blob, "-C", temp["root"], "--wildcards", "*var/lib/dpkg/*"]);
        }
        var listed = (await Tool.RunOkAsync(dpkgQuery, ["-W", "--admindir=" + Path.Combine(temp["root"], "var/lib/dpkg"), "-f", "${Package}\t${Version}\t${Architecture}\n"]))
            .Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToList();

        var result = await PackageInventory.ScanAsync(image, Ct);
        var debs = result.Packages.Where(p => p.Type == PackageType.Deb).ToList();
        Assert.True(listed.Count > 50, $"dpkg-query listed only {listed.Count} packages");
        Assert.Equal(listed, debs.Select(p => $"{p.Name}\t{p.Version}\t{p.Architecture}").Order(StringComparer.Ordinal));
        Assert.Empty(result.Problems);
        Assert.Equal("debian-12", result.OperatingSystem?.Distro);
        var bsdutils = debs.Single(p => p.Name == "bsdutils");
        Assert.StartsWith("pkg:deb/debian/bsdutils@1:2.38.1-5%2B", bsdutils.Purl, StringComparison.Ordinal);
        Assert.EndsWith("?arch=amd64&distro=debian-12", bsdutils.Purl, StringComparison.Ordinal);
        Assert.Equal("util-linux", bsdutils.SourceName);
    }

    private static string ResolveLink(string path)
    {
        var info = new FileInfo(path);
        return info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? info.FullName;
    }

    [Fact]
    public void Distinct_keeps_one_package_per_purl_with_every_location()
    {
        var stdlibA = new Package("stdlib", "go1.19.8", PackageType.Golang, "pkg:golang/stdlib@1.19.8") { Locations = ["/usr/bin/b"] };
        var stdlibB = stdlibA with { Locations = ["/usr/bin/a"] };
        var bash = new Package("bash", "5.2.15-2+b2", PackageType.Deb, "pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64") { Locations = ["/var/lib/dpkg/status"] };
        var result = new PackageInventoryResult([bash, stdlibA, stdlibB, stdlibA], null, []);

        var distinct = result.Distinct();

        Assert.Equal(["bash", "stdlib"], distinct.Select(p => p.Name));
        Assert.Equal(["/usr/bin/a", "/usr/bin/b"], distinct[1].Locations);
        Assert.Same(bash, distinct[0]);
    }
}
