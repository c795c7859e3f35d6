using Distill.Oci;
using Distill.Tests.Analysis;
using Distill.Tests.Support;

namespace Distill.Tests.Build;

/// <summary>
/// <c>distill pack --with-deps</c> through the real CLI on real programs: what verify says is missing on scratch is
/// exactly what gets added (from the host root, the Debian base image or a directory), the image then passes verify
/// and runs under runc; static programs get nothing; missing sources and libraries are one-line errors that write nothing.
/// </summary>
public sealed class PackWithDepsTests
{
    // the host (Debian bookworm, merged /usr) as the source: the loader's symlink, the merged-usr links, the real files
    private static readonly string[] HostLoaderAndLibc =
    [
        "/lib -> usr/lib", "/lib64 -> usr/lib64", "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "/usr/lib/x86_64-linux-gnu/libc.so.6",
        "/usr/lib64/ld-linux-x86-64.so.2 -> /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string DebianRef => $"oci:{DebianBase.Path}:{DebianBase.Tag}";

    private static async Task<(string Image, Tool.Result Output)> PackAsync(CliSandbox sandbox, string dir, string entrypoint, params string[] extra)
    {
        var layout = sandbox[Guid.NewGuid().ToString("N")[..8]];
        var output = await sandbox.OkAsync(["pack", dir, "--entrypoint", entrypoint, "-o", $"oci:{layout}:t", .. extra]);
        LayoutValidator.AssertValid(layout);
        return ($"oci:{layout}:t", output);
    }

    private static void AssertExit(Tool.Result result, int expected, string what) =>
        Assert.True(result.ExitCode == expected, $"{what} exited {result.ExitCode}, expected {expected}:\n{result.All}");

    /// <summary>Every non-directory of the image's merged filesystem: <c>/path</c> or <c>/path -> target</c>.</summary>
    private static async Task<List<string>> FilesAsync(CliSandbox sandbox, string image)
    {
        var files = new List<string>();
        await ImageFilesystem.WalkAsync(await sandbox.ReadAsync(image), (entry, _, _) =>
        {
            var h = entry.Header;
            if (h.Kind != TarEntryKind.Directory)
                files.Add("/" + h.Name + (h.Kind == TarEntryKind.Symlink ? " -> " + h.LinkName : ""));
            return ValueTask.CompletedTask;
        }, Ct);
        return files.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The lines pack printed under "Added …", as <see cref="FilesAsync"/> writes them.</summary>
    private static List<string> Listed(Tool.Result pack) =>
        pack.Stdout.Split('\n').Where(l => l.StartsWith("  /", StringComparison.Ordinal)).Select(l => l.Trim()).ToList();

    [Fact]
    public async Task A_c_program_with_libm_gets_exactly_its_loader_libc_and_libm_then_verifies_and_runs()
    {
        var programs = await NativePrograms.GetAsync();
        using var sandbox = new CliSandbox();
        var (bare, _) = await PackAsync(sandbox, programs.CMath, "/app");
        var before = await sandbox.RunAsync("verify", bare);
        AssertExit(before, 1, "verify without deps");
        foreach (var name in new[] { "ld-linux-x86-64.so.2", "libc.so.6", "libm.so.6" })
            Assert.Contains(name, before.Stdout, StringComparison.Ordinal);

        var (image, pack) = await PackAsync(sandbox, programs.CMath, "/app", "--with-deps");
        string[] expected = [.. HostLoaderAndLibc, "/usr/lib/x86_64-linux-gnu/libm.so.6"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), Listed(pack));
        Assert.Equal(["/app", .. expected.Order(StringComparer.Ordinal)], await FilesAsync(sandbox, image));
        var packed = await sandbox.ReadAsync(image);
        Assert.Equal(2, packed.Layers.Count);
        // the dependencies' layer comes first (it changes less often than the app), and is small
        Assert.Contains("dependencies of /app from directory /", packed.Config.History![0].CreatedBy, StringComparison.Ordinal);
        Assert.InRange(packed.Layers[0].Descriptor.Size, 1, 4_000_000);

        AssertExit(await sandbox.RunAsync("verify", image), 0, "verify with deps");
        var run = await sandbox.RunAsync("run", image, "9");
        AssertExit(run, 0, "distill run");
        Assert.Equal("3.000\n", run.Stdout);
    }

    [Fact]
    public async Task The_dependency_layer_is_reproducible()
    {
        var programs = await NativePrograms.GetAsync();
        using var sandbox = new CliSandbox();
        var first = await sandbox.DigestOfAsync(["pack", programs.CMath, "--entrypoint", "/app", "--with-deps", "-o", $"oci:{sandbox["a"]}:t"]);
        var second = await sandbox.DigestOfAsync(["pack", programs.CMath, "--entrypoint", "/app", "--with-deps", "-o", $"oci:{sandbox["b"]}:t"]);
        Assert.Equal(first, second);
        foreach (var entry in await CliSandbox.EntriesAsync((await sandbox.ReadAsync($"oci:{sandbox["a"]}:t")).Layers[0]))
        {
            Assert.Equal((0, 0, 0L), (entry.Uid, entry.Gid, entry.ModTime));
            Assert.True(entry.Kind is TarEntryKind.Directory or TarEntryKind.File or TarEntryKind.Symlink, $"{entry.Name}: {entry.Kind}");
        }
    }

    [Fact]
    public async Task A_cgo_go_program_gets_its_loader_and_libc_and_runs()
    {
        var programs = await NativePrograms.GetAsync();
        using var sandbox = new CliSandbox();
        var (bare, _) = await PackAsync(sandbox, programs.GoCgo, "/app");
        var before = await sandbox.RunAsync("verify", bare);
        AssertExit(before, 1, "verify without deps");
        Assert.Contains("ld-linux-x86-64.so.2", before.Stdout, StringComparison.Ordinal);
        Assert.Contains("libc.so.6", before.Stdout, StringComparison.Ordinal);

        var (image, pack) = await PackAsync(sandbox, programs.GoCgo, "/app", "--with-deps");
        Assert.Equal(HostLoaderAndLibc.Order(StringComparer.Ordinal), Listed(pack));
        Assert.Equal(["/app", .. HostLoaderAndLibc.Order(StringComparer.Ordinal)], await FilesAsync(sandbox, image));
        AssertExit(await sandbox.RunAsync("verify", image), 0, "verify with deps");
        var run = await sandbox.RunAsync("run", image);
        AssertExit(run, 0, "distill run");
        // os/user through cgo's getpwuid_r: the loader and libc work, and scratch has no /etc/passwd
        Assert.Contains("user: lookup userid 0", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_icu_calculator_gets_icu_with_its_version_links_and_computes()
    {
        var calculator = await IcuCalculator.GetAsync();
        using var sandbox = new CliSandbox();
        var (bare, _) = await PackAsync(sandbox, calculator, "/calculator");
        var before = await sandbox.RunAsync("verify", bare);
        AssertExit(before, 1, "verify without deps");
        Assert.Contains("libicuuc", before.Stdout, StringComparison.Ordinal);
        Assert.Contains("libicui18n", before.Stdout, StringComparison.Ordinal);

        var (image, pack) = await PackAsync(sandbox, calculator, "/calculator", "--with-deps");
        var listed = Listed(pack);
        foreach (var icu in new[] { "libicuuc", "libicui18n", "libicudata" })
        {
            // the name .NET dlopens (libicuuc.so.72) is the source's version symlink to the real file
            Assert.Contains(listed, l => l.StartsWith($"/usr/lib/x86_64-linux-gnu/{icu}.so.72 -> {icu}.so.72.", StringComparison.Ordinal));
            Assert.Contains(listed, l => l.StartsWith($"/usr/lib/x86_64-linux-gnu/{icu}.so.72.", StringComparison.Ordinal) && !l.Contains("->", StringComparison.Ordinal));
        }
        Assert.Contains("/usr/lib/x86_64-linux-gnu/libstdc++.so.6 -> libstdc++.so.6.0.30", listed);
        Assert.All(HostLoaderAndLibc, l => Assert.Contains(l, listed));
        AssertExit(await sandbox.RunAsync("verify", image), 0, "verify with deps");
        var run = await sandbox.Cli.RunWithInputAsync("1 + 2\nexit\n", ["run", "-i", image]);
        AssertExit(run, 0, "distill run");
        Assert.Contains("Result: 3", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deps_from_the_debian_base_image_run_and_a_library_it_lacks_is_an_error_that_writes_nothing()
    {
        var programs = await NativePrograms.GetAsync();
        var calculator = await IcuCalculator.GetAsync();
        using var sandbox = new CliSandbox();
        var (image, pack) = await PackAsync(sandbox, programs.CMath, "/app", "--with-deps", "--deps-from", DebianRef);
        Assert.Equal(6, Listed(pack).Count);
        Assert.Contains($"dependencies of /app from image {DebianRef}", (await sandbox.ReadAsync(image)).Config.History![0].CreatedBy, StringComparison.Ordinal);
        var run = await sandbox.RunAsync("run", image, "16");
        AssertExit(run, 0, "distill run");
        Assert.Equal("4.000\n", run.Stdout);

        // the debootstrap minbase has no ICU
        var failed = await sandbox.RunAsync("pack", calculator, "--entrypoint", "/calculator", "--with-deps", "--deps-from", DebianRef, "-o", $"oci:{sandbox["icu"]}:t");
        CliSandbox.AssertOneLineError(failed, "libicuuc", DebianRef);
        Assert.False(Directory.Exists(sandbox["icu"]));
        sandbox.AssertNoLeftovers();
    }

    [Fact]
    public async Task Deps_from_a_directory_keep_its_layout_and_a_missing_library_or_directory_is_an_error()
    {
        var programs = await NativePrograms.GetAsync();
        using var sandbox = new CliSandbox();
        // a root without merged /usr: the loader as a file in /lib64, libraries in /lib/x86_64-linux-gnu
        var root = sandbox["root"];
        Directory.CreateDirectory(Path.Combine(root, "lib64"));
        Directory.CreateDirectory(Path.Combine(root, "lib", "x86_64-linux-gnu"));
        File.Copy("/lib64/ld-linux-x86-64.so.2", Path.Combine(root, "lib64", "ld-linux-x86-64.so.2"));
        File.Copy("/lib/x86_64-linux-gnu/libc.so.6", Path.Combine(root, "lib", "x86_64-linux-gnu", "libc.so.6"));

        var failed = await sandbox.RunAsync("pack", programs.CMath, "--entrypoint", "/app", "--with-deps", "--deps-from", root, "-o", $"oci:{sandbox["out"]}:t");
        CliSandbox.AssertOneLineError(failed, "libm.so.6", "needed by /app", root);
        Assert.False(Directory.Exists(sandbox["out"]));

        File.Copy("/lib/x86_64-linux-gnu/libm.so.6", Path.Combine(root, "lib", "x86_64-linux-gnu", "libm.so.6"));
        var (image, pack) = await PackAsync(sandbox, programs.CMath, "/app", "--with-deps", "--deps-from", root);
        string[] expected = ["/lib/x86_64-linux-gnu/libc.so.6", "/lib/x86_64-linux-gnu/libm.so.6", "/lib64/ld-linux-x86-64.so.2"];
        Assert.Equal(expected, Listed(pack));
        Assert.Equal(["/app", .. expected], await FilesAsync(sandbox, image));
        var run = await sandbox.RunAsync("run", image, "2.25");
        AssertExit(run, 0, "distill run");
        Assert.Equal("1.500\n", run.Stdout);

        var noDir = await sandbox.RunAsync("pack", programs.CMath, "--entrypoint", "/app", "--with-deps", "--deps-from", sandbox["nowhere"], "-o", $"oci:{sandbox["out2"]}:t");
        CliSandbox.AssertOneLineError(noDir, "--deps-from", sandbox["nowhere"]);
        var noImage = await sandbox.RunAsync("pack", programs.CMath, "--entrypoint", "/app", "--with-deps", "--deps-from", $"oci:{sandbox["nolayout"]}:t", "-o", $"oci:{sandbox["out2"]}:t");
        CliSandbox.AssertOneLineError(noImage, sandbox["nolayout"]);
        Assert.False(Directory.Exists(sandbox["out2"]));
        sandbox.AssertNoLeftovers();
    }

    [Fact]
    public async Task Static_programs_and_a_base_that_has_the_libraries_get_nothing_but_a_tls_client_gets_a_ca_bundle()
    {
        var programs = await NativePrograms.GetAsync();
        using var sandbox = new CliSandbox();
        var (image, pack) = await PackAsync(sandbox, programs.GoStatic, "/app", "--with-deps");
        Assert.Contains("Note: /app is statically linked: it needs no loader and no library", pack.Stdout, StringComparison.Ordinal);
        Assert.Contains("Added no dependencies", pack.Stdout, StringComparison.Ordinal);
        Assert.Single((await sandbox.ReadAsync(image)).Layers);

        // static, but a TLS client: the CA bundle is a runtime load
        var (tls, tlsPack) = await PackAsync(sandbox, programs.GoTls, "/app", "--with-deps");
        Assert.Equal(["/etc/ssl/certs/ca-certificates.crt"], Listed(tlsPack));
        var verified = await sandbox.RunAsync("verify", tls);
        AssertExit(verified, 0, "verify");
        Assert.Equal("ok: /app can run\n", verified.Stdout);

        var (onDebian, debianPack) = await PackAsync(sandbox, programs.CMath, "/app", "--base", DebianRef, "--with-deps");
        Assert.Contains("Added no dependencies", debianPack.Stdout, StringComparison.Ordinal);
        Assert.Equal((await sandbox.ReadAsync(DebianRef)).Layers.Count + 1, (await sandbox.ReadAsync(onDebian)).Layers.Count);
        AssertExit(await sandbox.RunAsync("verify", onDebian), 0, "verify");

        var noDeps = await sandbox.RunAsync("pack", programs.CMath, "--entrypoint", "/app", "--deps-from", "/", "-o", $"oci:{sandbox["x"]}:t");
        CliSandbox.AssertOneLineError(noDeps, "--with-deps");
    }
}
