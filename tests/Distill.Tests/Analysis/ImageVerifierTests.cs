using Distill.Analysis;
using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Analysis;

/// <summary>
/// <see cref="ImageVerifier"/> in process on the debootstrap Debian base: what passes (bash and its libraries through
/// the image's ld.so.cache, PATH lookups, scripts, users by name) and each rule that fails.
/// </summary>
public sealed class ImageVerifierTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<IImage> DebianAsync(TempDir temp, Func<ContainerConfig, ContainerConfig> change)
    {
        var image = await Transports.ReadAsync(new OciLayoutReference(DebianBase.Path, DebianBase.Tag), new TransportOptions { Store = new LocalStore(temp["store"]) }, Ct);
        return Mutate.WithConfig(image, c => c with { Config = change(c.Config ?? new ContainerConfig()) });
    }

    private static async Task<IImage> WithFilesAsync(IImage image, params (TarEntryHeader, byte[]?)[] entries) =>
        Mutate.AppendLayers(image, [(await InMemoryLayer.FromEntriesAsync(entries), new HistoryEntry { CreatedBy = "test" })]);

    private static void AssertOnly(VerifyReport report, string rule, params string[] mentions)
    {
        var finding = Assert.Single(report.Findings);
        Assert.Equal(rule, finding.Rule.Id);
        Assert.False(report.Ok);
        foreach (var m in mentions)
            Assert.Contains(m, finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Debian_with_bin_bash_passes_with_its_libraries_from_the_image_ld_so_cache()
    {
        using var temp = new TempDir();
        var image = await DebianAsync(temp, c => c with { Entrypoint = ["/bin/bash"], Cmd = null, User = "nobody" });
        var report = await ImageVerifier.VerifyAsync(image, Ct);
        Assert.True(report.Ok, string.Join("\n", report.Findings));
        Assert.Empty(report.Findings);
        var closure = report.Closure!;
        Assert.Equal("/lib64/ld-linux-x86-64.so.2", closure.Interpreter?.Path);
        // merged /usr: /lib is a symlink to usr/lib
        Assert.Equal("/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", closure.Interpreter?.RealPath);
        var tinfo = Assert.Single(closure.Libraries, l => l.Name == "libtinfo.so.6");
        Assert.Equal(LibrarySource.LdSoCache, tinfo.Source);
        Assert.Contains(closure.Libraries, l => l.Name == "libc.so.6");
    }

    [Fact]
    public async Task A_command_without_a_slash_is_looked_up_in_the_image_path()
    {
        using var temp = new TempDir();
        var ok = await ImageVerifier.VerifyAsync(await DebianAsync(temp, c => c with { Entrypoint = null, Cmd = ["bash", "-c", "true"] }), Ct);
        Assert.True(ok.Ok, string.Join("\n", ok.Findings));
        Assert.Equal("bash", ok.Command);

        var missing = await ImageVerifier.VerifyAsync(await DebianAsync(temp, c => c with { Entrypoint = null, Cmd = ["bash"], Env = ["PATH=/nowhere"] }), Ct);
        AssertOnly(missing, "command-not-found", "bash", "/nowhere");

        var none = await ImageVerifier.VerifyAsync(await DebianAsync(temp, c => c with { Entrypoint = null, Cmd = null }), Ct);
        AssertOnly(none, "no-command");
    }

    [Fact]
    public async Task Users_by_name_must_be_in_etc_passwd_numeric_ones_need_nothing()
    {
        using var temp = new TempDir();
        foreach (var user in new[] { "nobody", "root:root", "nobody:nogroup", "1234", "1234:5678", "0:root" })
        {
            var report = await ImageVerifier.VerifyAsync(await DebianAsync(temp, c => c with { Entrypoint = ["/bin/bash"], User = user }), Ct);
            Assert.True(report.Ok, $"USER {user}: " + string.Join("\n", report.Findings));
        }
        AssertOnly(await ImageVerifier.VerifyAsync(await DebianAsync(temp, c => c with { Entrypoint = ["/bin/bash"], User = "app" }), Ct), "user-unknown", "app", "/etc/passwd");
        AssertOnly(await ImageVerifier.VerifyAsync(await DebianAsync(temp, c => c with { Entrypoint = ["/bin/bash"], User = "nobody:apps" }), Ct), "group-unknown", "apps", "/etc/group");
    }

    [Fact]
    public async Task Scripts_are_checked_through_their_interpreters()
    {
        using var temp = new TempDir();
        var debian = await DebianAsync(temp, c => c with { Entrypoint = ["/usr/local/bin/run"], Cmd = null });
        var sh = await WithFilesAsync(debian, TarBytes.File("usr/local/bin/run", "#!/bin/sh -e\necho hi\n", 0x1ed));
        var report = await ImageVerifier.VerifyAsync(sh, Ct);
        Assert.True(report.Ok, string.Join("\n", report.Findings));

        var python = await WithFilesAsync(debian, TarBytes.File("usr/local/bin/run", "#!/usr/bin/python3\nprint('hi')\n", 0x1ed));
        AssertOnly(await ImageVerifier.VerifyAsync(python, Ct), "script-interpreter-missing", "/usr/bin/python3");

        var env = await WithFilesAsync(debian, TarBytes.File("usr/local/bin/run", "#!/usr/bin/env python3\nprint('hi')\n", 0x1ed));
        AssertOnly(await ImageVerifier.VerifyAsync(env, Ct), "script-interpreter-missing", "python3");

        var notExecutable = await WithFilesAsync(debian, TarBytes.File("usr/local/bin/run", "#!/bin/sh\n", 0x1a4));
        AssertOnly(await ImageVerifier.VerifyAsync(notExecutable, Ct), "not-executable", "644");

        var text = await WithFilesAsync(debian, TarBytes.File("usr/local/bin/run", "hello\n", 0x1ed));
        AssertOnly(await ImageVerifier.VerifyAsync(text, Ct), "exec-format");

        var directory = await WithFilesAsync(debian, TarBytes.Directory("usr/local/bin/run"));
        AssertOnly(await ImageVerifier.VerifyAsync(directory, Ct), "not-a-file");
    }

    [Fact]
    public async Task An_x86_64_entrypoint_in_an_arm64_image_is_a_platform_mismatch()
    {
        using var temp = new TempDir();
        var image = Mutate.WithConfig(await DebianAsync(temp, c => c with { Entrypoint = ["/bin/bash"] }), c => c with { Architecture = "arm64" });
        AssertOnly(await ImageVerifier.VerifyAsync(image, Ct), "platform-mismatch", "x86-64", "arm64");
    }

    [Fact]
    public async Task A_library_only_in_an_ld_so_conf_directory_missing_from_the_cache_is_a_warning()
    {
        var programs = await NativePrograms.GetAsync();
        using var temp = new TempDir();
        var debian = await DebianAsync(temp, c => c with { Entrypoint = ["/app"] });
        var app = await File.ReadAllBytesAsync(Path.Combine(programs.CRunPath, "bin", "app"), Ct);
        var libm = await File.ReadAllBytesAsync("/lib/x86_64-linux-gnu/libm.so.6", Ct);
        // libm moves out of the default directories into /opt/m, listed in ld.so.conf.d but not in the (old) cache
        var image = await WithFilesAsync(debian,
            (new TarEntryHeader { Name = "app", Kind = TarEntryKind.File, Mode = 0x1ed, Size = app.Length }, app),
            TarBytes.File("usr/lib/x86_64-linux-gnu/.wh.libm.so.6", ""),
            (new TarEntryHeader { Name = "opt/m/libm.so.6", Kind = TarEntryKind.File, Mode = 0x1a4, Size = libm.Length }, libm),
            TarBytes.File("etc/ld.so.conf.d/m.conf", "/opt/m\n"));
        var report = await ImageVerifier.VerifyAsync(image, Ct);
        Assert.True(report.Ok, string.Join("\n", report.Findings));
        var warning = Assert.Single(report.Findings);
        Assert.Equal("library-not-in-cache", warning.Rule.Id);
        Assert.Equal(VerifySeverity.Warning, warning.Severity);
        Assert.Contains("ldconfig", warning.Message, StringComparison.Ordinal);
    }
}
