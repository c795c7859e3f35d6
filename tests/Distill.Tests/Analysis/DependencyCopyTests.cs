using Distill.Analysis;
using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Analysis;

/// <summary>
/// <see cref="DependencyCopy"/> on crafted roots (real ELF files from the host in directories laid out for the case):
/// where each file lands in the target, what the target already has, and that the plan makes the loader succeed.
/// </summary>
public sealed class DependencyCopyTests
{
    private const string Multiarch = "/lib/x86_64-linux-gnu";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<DependencyCopyPlan> PlanAsync(string targetRoot, string sourceRoot, params string[] env)
    {
        var programs = await NativePrograms.GetAsync();
        var target = new LayeredRootFilesystem([new MountedRootFilesystem("/", new HostRootFilesystem(targetRoot))]);
        return await DependencyCopy.PlanAsync(new DependencyCopyRequest
        {
            ExecutablePath = "/app",
            Executable = await File.ReadAllBytesAsync(Path.Combine(programs.CMath, "app"), Ct),
            Config = ImageConfig.Empty(Platform.LinuxAmd64) with { Config = new ContainerConfig { Env = env } },
            Target = target,
            Source = new HostRootFilesystem(sourceRoot),
        }, Ct);
    }

    /// <summary>A source root with the loader in /lib64 and libc, libm in <paramref name="libDir"/> (no merged /usr).</summary>
    private static string Source(TempDir temp, string libDir = Multiarch, bool libm = true)
    {
        var root = temp["source"];
        Directory.CreateDirectory(Path.Combine(root, "lib64"));
        File.Copy("/lib64/ld-linux-x86-64.so.2", Path.Combine(root, "lib64", "ld-linux-x86-64.so.2"));
        Directory.CreateDirectory(Path.Combine(root, Multiarch.TrimStart('/')));
        File.Copy("/lib/x86_64-linux-gnu/libc.so.6", Path.Combine(root, Multiarch.TrimStart('/'), "libc.so.6"));
        if (libm)
        {
            Directory.CreateDirectory(Path.Combine(root, libDir.TrimStart('/')));
            File.Copy("/lib/x86_64-linux-gnu/libm.so.6", Path.Combine(root, libDir.TrimStart('/'), "libm.so.6"));
        }
        return root;
    }

    private static List<string> Listing(DependencyCopyPlan plan) => plan.Files.Select(f => f.ToString()).ToList();

    [Fact]
    public async Task A_target_directory_is_used_as_it_is_never_replaced_by_the_sources_symlink()
    {
        using var temp = new TempDir();
        // the target has /lib and /lib/x86_64-linux-gnu as directories; the host (merged /usr) has /lib -> usr/lib
        Directory.CreateDirectory(temp["target/lib/x86_64-linux-gnu"]);
        var plan = await PlanAsync(temp["target"], "/");
        Assert.Equal(
        [
            "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 (from /usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2)",
            "/lib/x86_64-linux-gnu/libc.so.6 (from /usr/lib/x86_64-linux-gnu/libc.so.6)",
            "/lib/x86_64-linux-gnu/libm.so.6 (from /usr/lib/x86_64-linux-gnu/libm.so.6)",
            "/lib64 -> usr/lib64",
            "/usr/",
            "/usr/lib64/",
            "/usr/lib64/ld-linux-x86-64.so.2 -> /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
        ], Listing(plan));
        // modes as the source has them (libm.so.6 is 0644 on Debian, libc.so.6 0755)
        Assert.All(plan.Files, f => Assert.Equal(f.Kind switch
        {
            TarEntryKind.Symlink => 0x1ff,
            TarEntryKind.Directory => (int)File.GetUnixFileMode(f.Path),
            _ => (int)File.GetUnixFileMode(f.Source),
        }, f.Mode));
    }

    [Fact]
    public async Task What_the_target_has_is_not_added()
    {
        using var temp = new TempDir();
        var source = Source(temp);
        Directory.CreateDirectory(temp["target/lib64"]);
        Directory.CreateDirectory(temp["target" + Multiarch]);
        File.Copy("/lib64/ld-linux-x86-64.so.2", temp["target/lib64/ld-linux-x86-64.so.2"]);
        File.Copy("/lib/x86_64-linux-gnu/libc.so.6", temp["target" + Multiarch + "/libc.so.6"]);
        var plan = await PlanAsync(temp["target"], source);
        Assert.Equal(["/lib/x86_64-linux-gnu/libm.so.6"], Listing(plan));
        Assert.Equal(new FileInfo("/lib/x86_64-linux-gnu/libm.so.6").Length, plan.Size);
    }

    [Fact]
    public async Task A_library_the_source_keeps_outside_the_default_directories_lands_in_one_unless_the_images_LD_LIBRARY_PATH_names_its_directory()
    {
        using var temp = new TempDir();
        // found in the source through its ld.so.conf only; the image has no ld.so.cache, so /opt/m would not be searched there
        var source = Source(temp, "/opt/m");
        temp.Write("source/etc/ld.so.conf", "/opt/m\n");
        Directory.CreateDirectory(temp["target"]);
        var plan = await PlanAsync(temp["target"], source);
        Assert.Contains("/lib/x86_64-linux-gnu/libm.so.6 (from /opt/m/libm.so.6)", Listing(plan));
        Assert.DoesNotContain(plan.Files, f => f.Path.StartsWith("/opt", StringComparison.Ordinal));

        var withPath = await PlanAsync(temp["target"], source, "LD_LIBRARY_PATH=/opt/m");
        Assert.Contains("/opt/m/libm.so.6", Listing(withPath));
    }

    [Fact]
    public async Task A_library_the_source_lacks_is_an_error_naming_it_and_the_source()
    {
        using var temp = new TempDir();
        var source = Source(temp, libm: false);
        Directory.CreateDirectory(temp["target"]);
        var error = await Assert.ThrowsAsync<InvalidImageException>(() => PlanAsync(temp["target"], source));
        Assert.Equal($"libm.so.6 (needed by /app) is not in directory {source}", error.Message);

        File.Delete(Path.Combine(source, "lib64", "ld-linux-x86-64.so.2"));
        error = await Assert.ThrowsAsync<InvalidImageException>(() => PlanAsync(temp["target"], source));
        Assert.Equal($"the loader /lib64/ld-linux-x86-64.so.2 of /app is not in directory {source}", error.Message);
    }

    [Fact]
    public async Task A_program_linked_against_openssl_gets_the_sources_ca_bundle()
    {
        var programs = await NativePrograms.GetAsync();
        using var temp = new TempDir();
        var source = Source(temp, libm: false);
        File.Copy(NativePrograms.HostLibSsl, Path.Combine(source, Multiarch.TrimStart('/'), "libssl.so.3"));
        File.Copy("/lib/x86_64-linux-gnu/libcrypto.so.3", Path.Combine(source, Multiarch.TrimStart('/'), "libcrypto.so.3"));
        temp.Write("source/etc/ssl/certs/ca-certificates.crt", "-----BEGIN CERTIFICATE-----\n");
        Directory.CreateDirectory(temp["target"]);
        var plan = await DependencyCopy.PlanAsync(new DependencyCopyRequest
        {
            ExecutablePath = "/app",
            Executable = await File.ReadAllBytesAsync(Path.Combine(programs.CTls, "app"), Ct),
            Config = ImageConfig.Empty(Platform.LinuxAmd64),
            Target = new LayeredRootFilesystem([new MountedRootFilesystem("/", new HostRootFilesystem(temp["target"]))]),
            Source = new HostRootFilesystem(source),
        }, Ct);
        Assert.Contains("/etc/ssl/certs/ca-certificates.crt", Listing(plan));
        Assert.Contains("/lib/x86_64-linux-gnu/libssl.so.3", Listing(plan));
    }

    [Fact]
    public async Task A_program_for_another_architecture_than_the_image_is_an_error()
    {
        // pack --platform linux/arm64 --with-deps of an x86-64 program would add x86-64 libraries to an arm64 image
        var programs = await NativePrograms.GetAsync();
        using var temp = new TempDir();
        Directory.CreateDirectory(temp["target"]);
        var error = await Assert.ThrowsAsync<InvalidImageException>(() => DependencyCopy.PlanAsync(new DependencyCopyRequest
        {
            ExecutablePath = "/app",
            Executable = File.ReadAllBytes(Path.Combine(programs.CMath, "app")),
            Config = ImageConfig.Empty(Platform.Parse("linux/arm64")),
            Target = new LayeredRootFilesystem([new MountedRootFilesystem("/", new HostRootFilesystem(temp["target"]))]),
            Source = new HostRootFilesystem(Source(temp)),
        }, Ct));
        Assert.Contains("/app", error.Message, StringComparison.Ordinal);
        Assert.Contains("linux/arm64", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Not_an_elf_file_adds_nothing_and_says_so()
    {
        using var temp = new TempDir();
        var plan = await DependencyCopy.PlanAsync(new DependencyCopyRequest
        {
            ExecutablePath = "/run.sh",
            Executable = "#!/bin/sh\necho hi\n"u8.ToArray(),
            Config = ImageConfig.Empty(Platform.LinuxAmd64),
            Target = new HostRootFilesystem(temp.Path),
            Source = new HostRootFilesystem("/"),
        }, Ct);
        Assert.Empty(plan.Files);
        Assert.Equal(["/run.sh is not an ELF executable: nothing to add"], plan.Notes);
    }
}
