using Distill.Analysis;
using Distill.Tests.Support;

namespace Distill.Tests.Analysis;

/// <summary>
/// Library resolution in root directories made of the host's real glibc files: each step of the loader's search
/// order, the ld.so.cache that the real <c>ldconfig -r</c> writes, hwcaps, class/machine checks, musl.
/// </summary>
public sealed class LibraryResolverTests
{
    private const string Multiarch = "/lib/x86_64-linux-gnu";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A root with the loader (Debian layout: /lib64/ld-linux-x86-64.so.2 → /lib/x86_64-linux-gnu/…) and the C program as <paramref name="appPath"/>.</summary>
    private static async Task<TempDir> RootAsync(string appSource, string appPath = "/app")
    {
        var temp = new TempDir();
        Copy(temp, $"{Multiarch}/ld-linux-x86-64.so.2", $"{Multiarch}/ld-linux-x86-64.so.2");
        Directory.CreateDirectory(temp["root/lib64"]);
        File.CreateSymbolicLink(temp["root/lib64/ld-linux-x86-64.so.2"], $"{Multiarch}/ld-linux-x86-64.so.2");
        Directory.CreateDirectory(Path.GetDirectoryName(temp["root" + appPath])!);
        File.Copy(appSource, temp["root" + appPath]);
        await Task.CompletedTask;
        return temp;
    }

    private static void Copy(TempDir temp, string hostPath, string rootPath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(temp["root" + rootPath])!);
        File.Copy(hostPath, temp["root" + rootPath], overwrite: true);
    }

    private static void CopyMath(TempDir temp, string dir)
    {
        Copy(temp, $"{Multiarch}/libm.so.6", $"{dir}/libm.so.6");
        Copy(temp, $"{Multiarch}/libc.so.6", $"{dir}/libc.so.6");
    }

    private static async Task<DependencyClosure> ResolveAsync(TempDir temp, string appPath = "/app", Dictionary<string, string>? env = null)
    {
        var fs = new HostRootFilesystem(temp["root"]);
        var elf = ElfReader.Read(await File.ReadAllBytesAsync(temp["root" + appPath], Ct))!;
        var config = await LoaderConfiguration.LoadAsync(fs, elf, env ?? [], Ct);
        return await new LibraryResolver(fs, config).ResolveAsync(appPath, elf, "/", Ct);
    }

    private static LoadedObject Library(DependencyClosure closure, string name)
    {
        var library = closure.Libraries.SingleOrDefault(l => l.Name == name);
        Assert.True(library is not null, $"{name} not in the closure: {string.Join(", ", closure.Libraries.Select(l => l.Name))}; missing: {string.Join(", ", closure.Missing.Select(m => m.Name))}");
        return library;
    }

    [Fact]
    public async Task The_real_ldconfig_cache_finds_libraries_in_configured_directories()
    {
        var ldconfig = Tool.Require("ldconfig", "libc-bin");
        var programs = await NativePrograms.GetAsync();
        using var temp = await RootAsync(Path.Combine(programs.CMath, "app"));
        CopyMath(temp, "/opt/glibc");
        temp.Write("root/etc/ld.so.conf", "include /etc/ld.so.conf.d/*.conf\n");
        temp.Write("root/etc/ld.so.conf.d/glibc.conf", "/opt/glibc\n");
        await Tool.RunOkAsync(ldconfig, ["-r", temp["root"]]);

        var cache = LdSoCache.Parse(await File.ReadAllBytesAsync(temp["root/etc/ld.so.cache"], Ct));
        Assert.NotNull(cache);
        Assert.Equal(["/opt/glibc/libm.so.6"], cache.Lookup("libm.so.6"));

        var closure = await ResolveAsync(temp);
        Assert.True(closure.IsComplete);
        Assert.Equal("/lib64/ld-linux-x86-64.so.2", closure.Interpreter?.Path);
        Assert.Equal($"{Multiarch}/ld-linux-x86-64.so.2", closure.Interpreter?.RealPath);
        Assert.Equal(LibrarySource.LdSoCache, Library(closure, "libm.so.6").Source);
        Assert.Equal("/opt/glibc/libc.so.6", Library(closure, "libc.so.6").Path);
        Assert.Equal("/app", Library(closure, "libm.so.6").NeededBy);
        // libc's own DT_NEEDED on ld-linux-x86-64.so.2 is the interpreter, already loaded
        Assert.Equal(2, closure.Libraries.Count);
    }

    [Fact]
    public async Task Without_a_cache_ld_so_conf_directories_are_found_but_marked()
    {
        var programs = await NativePrograms.GetAsync();
        using var temp = await RootAsync(Path.Combine(programs.CMath, "app"));
        CopyMath(temp, "/opt/glibc");
        temp.Write("root/etc/ld.so.conf", "# comment\ninclude ld.so.conf.d/*.conf\n");
        temp.Write("root/etc/ld.so.conf.d/a.conf", "/opt/glibc # trailing comment\n");
        temp.Write("root/etc/ld.so.conf.d/b.txt", "/nowhere\n");
        var closure = await ResolveAsync(temp);
        Assert.True(closure.IsComplete);
        Assert.Equal(LibrarySource.LdSoConf, Library(closure, "libm.so.6").Source);
        Assert.Equal("/opt/glibc/libm.so.6", Library(closure, "libm.so.6").Path);
    }

    [Fact]
    public async Task Default_directories_and_their_glibc_hwcaps_subdirectories()
    {
        var programs = await NativePrograms.GetAsync();
        using var temp = await RootAsync(Path.Combine(programs.CMath, "app"));
        CopyMath(temp, "/usr/lib/x86_64-linux-gnu");
        Copy(temp, $"{Multiarch}/libm.so.6", "/usr/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v3/libm.so.6");
        var closure = await ResolveAsync(temp);
        Assert.True(closure.IsComplete);
        Assert.Equal("/usr/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v3/libm.so.6", Library(closure, "libm.so.6").Path);
        Assert.Equal(LibrarySource.DefaultDirectory, Library(closure, "libc.so.6").Source);
        Assert.Equal("/usr/lib/x86_64-linux-gnu/libc.so.6", Library(closure, "libc.so.6").Path);
    }

    [Fact]
    public async Task Runpath_comes_after_ld_library_path_and_rpath_before_it()
    {
        var programs = await NativePrograms.GetAsync();
        using (var temp = await RootAsync(Path.Combine(programs.CRunPath, "bin", "app"), "/opt/app/bin/app"))
        {
            CopyMath(temp, "/opt/app/lib");
            var closure = await ResolveAsync(temp, "/opt/app/bin/app");
            Assert.Equal(LibrarySource.RunPath, Library(closure, "libm.so.6").Source);
            // as ldd prints it: $ORIGIN expanded, "..", kept; the real path is resolved
            Assert.Equal("/opt/app/bin/../lib/libm.so.6", Library(closure, "libm.so.6").Path);
            Assert.Equal("/opt/app/lib/libm.so.6", Library(closure, "libm.so.6").RealPath);

            CopyMath(temp, "/ldlp");
            closure = await ResolveAsync(temp, "/opt/app/bin/app", new() { ["LD_LIBRARY_PATH"] = "/nowhere:/ldlp" });
            Assert.Equal(LibrarySource.LdLibraryPath, Library(closure, "libm.so.6").Source);
            Assert.Equal("/ldlp/libm.so.6", Library(closure, "libm.so.6").Path);
        }
        using (var temp = await RootAsync(Path.Combine(programs.CRPath, "bin", "app"), "/opt/app/bin/app"))
        {
            CopyMath(temp, "/opt/app/lib");
            CopyMath(temp, "/ldlp");
            var closure = await ResolveAsync(temp, "/opt/app/bin/app", new() { ["LD_LIBRARY_PATH"] = "/ldlp" });
            Assert.Equal(LibrarySource.RPath, Library(closure, "libm.so.6").Source);
            Assert.Equal("/opt/app/lib/libm.so.6", Library(closure, "libm.so.6").RealPath);
            // libm has no RPATH of its own: the executable's RPATH applies to what libm needs too
            Assert.Equal(LibrarySource.RPath, Library(closure, "libc.so.6").Source);
        }
    }

    [Fact]
    public async Task A_library_of_another_machine_is_skipped_as_the_loader_skips_it()
    {
        var programs = await NativePrograms.GetAsync();
        using var temp = await RootAsync(Path.Combine(programs.CMath, "app"));
        CopyMath(temp, "/ldlp");
        var bytes = await File.ReadAllBytesAsync(temp["root/ldlp/libm.so.6"], Ct);
        bytes[18] = 183; // e_machine = EM_AARCH64
        bytes[19] = 0;
        await File.WriteAllBytesAsync(temp["root/ldlp/libm.so.6"], bytes, Ct);
        var env = new Dictionary<string, string> { ["LD_LIBRARY_PATH"] = "/ldlp" };

        var closure = await ResolveAsync(temp, env: env);
        var missing = Assert.Single(closure.Missing);
        Assert.Equal("libm.so.6", missing.Name);
        Assert.Contains("aarch64", missing.Reason, StringComparison.Ordinal);

        CopyMath(temp, Multiarch);
        closure = await ResolveAsync(temp, env: env);
        Assert.True(closure.IsComplete);
        Assert.Equal($"{Multiarch}/libm.so.6", Library(closure, "libm.so.6").Path);
        Assert.Equal("/ldlp/libc.so.6", Library(closure, "libc.so.6").Path);
    }

    [Fact]
    public async Task Origin_lib_and_platform_expand()
    {
        using var temp = new TempDir();
        Directory.CreateDirectory(temp["root/lib/x86_64-linux-gnu"]);
        var fs = new HostRootFilesystem(temp["root"]);
        var elf = ElfReader.Read(await File.ReadAllBytesAsync("/usr/bin/ls", Ct))!;
        var config = await LoaderConfiguration.LoadAsync(fs, elf, new Dictionary<string, string>(), Ct);
        var resolver = new LibraryResolver(fs, config);
        Assert.Equal("/opt/app/bin/../lib/x86_64-linux-gnu/x86_64", resolver.Expand("$ORIGIN/../$LIB/${PLATFORM}", "/opt/app/bin", elf));
        Assert.Equal("/o/$LIBRARY", resolver.Expand("${ORIGIN}/$LIBRARY", "/o", elf));
    }

    [Fact]
    public async Task Musl_reads_its_path_file_and_its_loader_is_libc_and_libm()
    {
        var programs = await NativePrograms.GetAsync();
        using var temp = new TempDir();
        Directory.CreateDirectory(temp["root/lib"]);
        File.Copy($"{Multiarch}/ld-linux-x86-64.so.2", temp["root/lib/ld-musl-x86_64.so.1"]); // any x86-64 ELF stands in for musl's loader
        File.Copy(Path.Combine(programs.CMusl, "app"), temp["root/app"]);
        temp.Write("root/etc/ld-musl-x86_64.path", "/opt/musl\n/usr/lib:/lib\n");
        var fs = new HostRootFilesystem(temp["root"]);
        var elf = ElfReader.Read(await File.ReadAllBytesAsync(temp["root/app"], Ct))!;
        Assert.Equal("/lib/ld-musl-x86_64.so.1", elf.Interpreter);
        var config = await LoaderConfiguration.LoadAsync(fs, elf, new Dictionary<string, string>(), Ct);
        Assert.True(config.Musl);
        Assert.Equal(["/opt/musl", "/usr/lib", "/lib"], config.DefaultDirectories);
        var closure = await new LibraryResolver(fs, config).ResolveAsync("/app", elf, "/", Ct);
        Assert.True(closure.IsComplete);
        Assert.All(closure.Libraries, l => Assert.Equal(LibrarySource.Loader, l.Source));
        Assert.Equal(["libm.so.6", "libc.so.6"], closure.Libraries.Select(l => l.Name));
    }
}
