using Distill.Analysis.Inspect;
using Distill.Oci;
using Distill.Tests.Support;
using static Distill.Tests.Analysis.Inspect.CraftedImage;

namespace Distill.Tests.Analysis.Inspect;

/// <summary>
/// <see cref="ImageInspector"/> on hand-made images whose answers are worked out by hand (dive's wasted bytes and
/// efficiency, secrets removed by later layers, world-writable paths) and on the real Debian base and a static binary.
/// </summary>
public sealed class ImageInspectorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<ImageInspection> InspectAsync(IImage image) => ImageInspector.InspectAsync(image, new InspectOptions { Reference = "test" }, Ct);

    [Fact]
    public async Task A_file_written_overwritten_and_deleted_wastes_every_version_as_dive_counts_it()
    {
        var image = await CreateAsync(null, null,
            [Directory("app"), File("app/data", 1000), File("app/keep", 500)],
            [Directory("app"), File("app/data", 3000)],
            [Directory("app"), Whiteout("app/data")]);
        var inspection = await InspectAsync(image);

        // dive: /app/data has 3 versions (1000, 3000, and the whiteout, sized 0 for a file): cumulative 4000, smallest 0;
        // /app/keep one version of 500. Wasted = Σ cumulative of paths with 2+ versions = 4000;
        // efficiency = Σ smallest / Σ cumulative = (0 + 500) / (4000 + 500)
        Assert.Equal(4000, inspection.Wasted.Bytes);
        Assert.Equal(500.0 / 4500.0, inspection.Wasted.Efficiency, 12);
        Assert.Equal(1, inspection.Wasted.PathCount);
        Assert.Equal(new WastedPath("/app/data", 3, 4000), Assert.Single(inspection.Wasted.Largest));

        // the final filesystem has /app/keep only
        Assert.Equal(500, inspection.Filesystem.FilesSize);
        Assert.Equal(1, inspection.Filesystem.FileCount);
        Assert.Equal([new SizedPath("/app/keep", 500, 0)], inspection.Filesystem.LargestFiles);
        Assert.Equal([new SizedPath("/app", 500, 2)], inspection.Filesystem.LargestDirectories);
    }

    [Fact]
    public async Task A_removed_directory_is_one_version_sized_by_its_files_and_an_overwrite_without_removal_wastes_both_versions()
    {
        // dive's semantics, kept on purpose (see the README): the whiteout of a directory is one version of the
        // directory's path, sized by the files under it in the layers below — the files themselves each have one version
        var image = await CreateAsync(null, null,
            [Directory("d"), File("d/a", 100), File("d/b", 200), File("f", 10)],
            [Whiteout("d"), File("f", 20)]);
        var inspection = await InspectAsync(image);

        // /d/a 100/100, /d/b 200/200, /d (whiteout) 300/300, /f 10+20 smallest 10: wasted 30, efficiency (600+10)/(600+30)
        Assert.Equal(30, inspection.Wasted.Bytes);
        Assert.Equal(610.0 / 630.0, inspection.Wasted.Efficiency, 12);
        Assert.Equal(20, inspection.Filesystem.FilesSize);
        Assert.Null(inspection.Filesystem.Root.Children.SingleOrDefault(c => c.Name == "d"));
    }

    [Fact]
    public async Task An_image_with_nothing_overwritten_has_efficiency_one()
    {
        var image = await CreateAsync(null, null, [File("a", 10)], [File("b", 20)]);
        var inspection = await InspectAsync(image);
        Assert.Equal(0, inspection.Wasted.Bytes);
        Assert.Equal(1.0, inspection.Wasted.Efficiency);
    }

    [Fact]
    public async Task Layers_carry_blob_and_tar_sizes_and_history_without_the_empty_layer_entries()
    {
        var history = new List<HistoryEntry>
        {
            new() { CreatedBy = "FROM scratch" },
            new() { CreatedBy = "ENV A=1", EmptyLayer = true },
            new() { CreatedBy = "COPY a /" },
            new() { CreatedBy = "USER 65532", EmptyLayer = true },
            new() { CreatedBy = "COPY b /" },
        };
        var image = await CreateAsync(null, history, [File("x", 10)], [File("a", 1234), Directory("dir")], [File("b", 4321), Symlink("l", "b")]);
        var inspection = await InspectAsync(image);

        Assert.Equal(["FROM scratch", "COPY a /", "COPY b /"], inspection.Layers.Select(l => l.CreatedBy));
        for (var i = 0; i < 3; i++)
        {
            var layer = image.Layers[i];
            var inspected = inspection.Layers[i];
            Assert.Equal(layer.Descriptor.Digest, inspected.Digest);
            Assert.Equal(layer.Descriptor.Size, inspected.CompressedSize);
            Assert.Equal(layer.DiffId, inspected.DiffId);
            await using var tar = await layer.OpenUncompressedAsync(Ct);
            using var copy = new MemoryStream();
            await tar.CopyToAsync(copy, Ct);
            Assert.Equal(copy.Length, inspected.UncompressedSize);
        }
        Assert.Equal([10L, 1234L, 4321L], inspection.Layers.Select(l => l.FilesSize));
        Assert.Equal([1, 2, 2], inspection.Layers.Select(l => l.EntryCount));
        Assert.Equal(image.Layers.Sum(l => l.Descriptor.Size), inspection.CompressedSize);
        Assert.Equal(inspection.Layers.Sum(l => l.UncompressedSize), inspection.UncompressedSize);
        Assert.Equal(image.ManifestDescriptor.Digest, inspection.Digest);
    }

    [Fact]
    public async Task A_secret_added_in_one_layer_and_deleted_in_the_next_is_reported_as_deleted_but_shipped()
    {
        const string key = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n";
        const string certificate = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        var image = await CreateAsync(null, null,
            [Directory("root"), Directory("root/.ssh", 0x1c0), Text("root/.ssh/id_rsa", "not really a key", 0x180),
             Text("app/tls.pem", key), Text("app/ca.pem", certificate), Text("app/.npmrc", "//registry.npmjs.org/:_authToken=abc\n"),
             Text("app/.env.example", "A=1\n"), Text("app/sa.json", """{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\nMII\n-----END PRIVATE KEY-----\n"}""")],
            [Whiteout("root/.ssh/id_rsa"), Text("app/tls.pem", certificate), Text("home/u/.aws/credentials", "[default]\n")],
            [Whiteout("home")]);
        var inspection = await InspectAsync(image);

        var secrets = inspection.Findings(AttackSurfaceKind.Secret).OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
        Assert.Equal(
        [
            new AttackSurfaceFinding(AttackSurfaceKind.Secret, "/app/.npmrc", 0, FilePresence.Present, "npm registry token"),
            new AttackSurfaceFinding(AttackSurfaceKind.Secret, "/app/sa.json", 0, FilePresence.Present, "Google Cloud service account key"),
            new AttackSurfaceFinding(AttackSurfaceKind.Secret, "/app/tls.pem", 0, FilePresence.Replaced, "PEM private key (RSA PRIVATE KEY)"),
            new AttackSurfaceFinding(AttackSurfaceKind.Secret, "/home/u/.aws/credentials", 1, FilePresence.Deleted, "AWS credentials"),
            new AttackSurfaceFinding(AttackSurfaceKind.Secret, "/root/.ssh/id_rsa", 0, FilePresence.Deleted, "SSH private key"),
        ], secrets);
    }

    [Fact]
    public async Task World_writable_paths_are_found_but_sticky_directories_like_tmp_are_not()
    {
        var image = await CreateAsync(null, null,
            [Directory("tmp", 0x3ff), Directory("var"), Directory("var/tmp", 0x3ff), Directory("data", 0x1ff), Text("data/open", "x", 0x1b6),
             Text("data/closed", "x", 0x1a4), Symlink("data/link", "open")]);
        var inspection = await InspectAsync(image);

        Assert.Equal(["/data", "/data/open"], inspection.Findings(AttackSurfaceKind.WorldWritable).Select(f => f.Path).Order(StringComparer.Ordinal));
        Assert.Equal("mode 0777 directory", inspection.Findings(AttackSurfaceKind.WorldWritable).Single(f => f.Path == "/data").Detail);
    }

    [Fact]
    public async Task Busybox_applets_are_shells_and_a_non_executable_file_named_bash_is_not()
    {
        var image = await CreateAsync(new ContainerConfig { User = "0:0" }, null,
            [Text("bin/busybox", "ELF", 0x1ed), Symlink("bin/sh", "busybox"), Symlink("bin/ash", "/bin/busybox"), Text("usr/share/bin/bash", "completion"),
             Text("usr/local/bin/curl", "ELF", 0x1ed), Symlink("usr/bin/wget", "/nowhere"), Text("sbin/apk", "ELF", 0x1ed), Text("usr/bin/pip3.11", "#!", 0x1ed)]);
        var inspection = await InspectAsync(image);

        Assert.Equal(["/bin/ash", "/bin/busybox", "/bin/sh"], inspection.Findings(AttackSurfaceKind.Shell).Select(f => f.Path));
        Assert.Equal("symlink to /bin/busybox (busybox applet)", inspection.Findings(AttackSurfaceKind.Shell).First().Detail);
        Assert.Equal(["/usr/local/bin/curl"], inspection.Findings(AttackSurfaceKind.NetworkTool).Select(f => f.Path));
        Assert.Equal(["/sbin/apk", "/usr/bin/pip3.11"], inspection.Findings(AttackSurfaceKind.PackageManager).Select(f => f.Path));
        Assert.Equal("USER 0:0: runs as root", Assert.Single(inspection.Findings(AttackSurfaceKind.RootUser)).Detail);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("root", true)]
    [InlineData("0", true)]
    [InlineData("root:root", true)]
    [InlineData("65532", false)]
    [InlineData("nonroot:nonroot", false)]
    [InlineData("1000:0", false)]
    public async Task The_default_user_is_root_when_empty_root_or_uid_0(string? user, bool root)
    {
        var image = await CreateAsync(new ContainerConfig { User = user }, null, [File("app", 1, 0x1ed)]);
        Assert.Equal(root, (await InspectAsync(image)).RunsAsRoot);
    }

    [Fact]
    public async Task The_debian_base_has_bash_dash_apt_dpkg_and_setuid_programs_and_runs_as_root()
    {
        var image = await Transports.ReadAsync(new OciLayoutReference(DebianBase.Path, DebianBase.Tag), new TransportOptions(), Ct);
        var inspection = await InspectAsync(image);

        var shells = inspection.Findings(AttackSurfaceKind.Shell).Select(f => f.Path).ToList();
        foreach (var shell in new[] { "/usr/bin/bash", "/usr/bin/dash", "/usr/bin/sh" })
            Assert.Contains(shell, shells);
        Assert.Equal("symlink to /usr/bin/dash", inspection.Findings(AttackSurfaceKind.Shell).Single(f => f.Path == "/usr/bin/sh").Detail);
        var managers = inspection.Findings(AttackSurfaceKind.PackageManager).Select(f => f.Path).ToList();
        Assert.Equal(["/usr/bin/apt", "/usr/bin/apt-get", "/usr/bin/dpkg"], managers);
        var setuid = inspection.Findings(AttackSurfaceKind.Setuid).ToDictionary(f => f.Path!, f => f.Detail);
        foreach (var program in new[] { "/usr/bin/su", "/usr/bin/passwd", "/usr/bin/mount", "/usr/bin/chsh" })
            Assert.Equal("setuid uid 0", setuid[program]);
        Assert.Contains("setgid", setuid["/usr/bin/chage"], StringComparison.Ordinal);
        Assert.True(inspection.RunsAsRoot);
        // /tmp is 1777 (sticky) and /dev's nodes are the runtime's: nothing world-writable
        Assert.Empty(inspection.Findings(AttackSurfaceKind.WorldWritable));
        Assert.Empty(inspection.Findings(AttackSurfaceKind.Compiler));
        Assert.Empty(inspection.Findings(AttackSurfaceKind.Secret));
        Assert.Equal(0, inspection.Wasted.Bytes);
        Assert.Equal(1.0, inspection.Wasted.Efficiency);
        Assert.True(inspection.Filesystem.FileCount > 4000, $"{inspection.Filesystem.FileCount} files");
        Assert.Equal("/usr", inspection.Filesystem.LargestDirectories[0].Path);
    }

    [Fact]
    public async Task A_static_binary_on_scratch_has_no_attack_surface()
    {
        var programs = await NativePrograms.GetAsync();
        var binary = await System.IO.File.ReadAllBytesAsync(Path.Combine(programs.GoStatic, "app"), Ct);
        var image = await CreateAsync(new ContainerConfig { User = "65532", Entrypoint = ["/app"] }, null,
            [(new TarEntryHeader { Name = "app", Kind = TarEntryKind.File, Mode = 0x1ed, Size = binary.Length }, binary)]);
        var inspection = await InspectAsync(image);

        Assert.Empty(inspection.AttackSurface);
        Assert.Equal(binary.Length, inspection.Filesystem.FilesSize);
        Assert.Equal([new SizedPath("/app", binary.Length, 0)], inspection.Filesystem.LargestFiles);
    }

    [Fact]
    public async Task Packages_come_from_the_same_pass_as_the_inventory_of_the_final_filesystem()
    {
        var image = await Transports.ReadAsync(new OciLayoutReference(DebianBase.Path, DebianBase.Tag), new TransportOptions(), Ct);
        var inspection = await InspectAsync(image);
        var inventory = await Distill.Analysis.Inventory.PackageInventory.ScanAsync(image, Ct);

        Assert.True(inspection.Packages.Packages.Count > 50, $"{inspection.Packages.Packages.Count} packages");
        Assert.Equal(inventory.Packages.Select(p => p.Purl), inspection.Packages.Packages.Select(p => p.Purl));
    }

    [Fact]
    public async Task Packages_follow_whiteouts_and_replacements_across_layers_read_in_parallel()
    {
        const string dpkg = "Package: one\nStatus: install ok installed\nVersion: 1.0\nArchitecture: amd64\n\n";
        const string dpkg2 = "Package: two\nStatus: install ok installed\nVersion: 2.0\nArchitecture: amd64\n\n";
        const string apk = "P:musl\nV:1.2.5-r0\nA:x86_64\n\n";
        var image = await CreateAsync(null, null,
            [Directory("var/"), Directory("var/lib/"), Directory("var/lib/dpkg/"), Text("var/lib/dpkg/status", dpkg),
             Directory("lib/"), Directory("lib/apk/"), Directory("lib/apk/db/"), Text("lib/apk/db/installed", apk)],
            [Text("var/lib/dpkg/status", dpkg2), Whiteout("lib/apk")],
            [Directory("var/lib/dpkg/")]);

        var packages = (await InspectAsync(image)).Packages.Packages;

        Assert.Equal(["two"], packages.Select(p => p.Name));
        Assert.Equal("2.0", packages[0].Version);

        var opaque = await CreateAsync(null, null,
            [Directory("var/"), Directory("var/lib/"), Directory("var/lib/dpkg/"), Text("var/lib/dpkg/status", dpkg)],
            [Directory("var/lib/"), (new TarEntryHeader { Name = "var/lib/.wh..wh..opq", Kind = TarEntryKind.File, Mode = 0x1a4 }, [])]);
        Assert.Empty((await InspectAsync(opaque)).Packages.Packages);
    }
}
