using Distill.Analysis;
using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Analysis;

/// <summary>
/// Runtime loads that DT_NEEDED does not show: ICU for .NET without invariant globalization, CA bundles for TLS
/// clients, NSS modules that nsswitch.conf names.
/// </summary>
public sealed class RuntimeLoadTests
{
    private const string Multiarch = "/usr/lib/x86_64-linux-gnu";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<IImage> DebianAsync(TempDir temp, string entrypoint, params string[] env)
    {
        var image = await Transports.ReadAsync(new OciLayoutReference(DebianBase.Path, DebianBase.Tag), new TransportOptions { Store = new LocalStore(temp["store"]) }, Ct);
        return Mutate.WithConfig(image, c => c with { Config = (c.Config ?? new ContainerConfig()) with { Entrypoint = [entrypoint], Cmd = null, Env = [.. c.Config?.Env ?? [], .. env] } });
    }

    private static (TarEntryHeader, byte[]?) HostFile(string hostPath, string name, int mode = 0x1ed)
    {
        var data = File.ReadAllBytes(hostPath);
        return (new TarEntryHeader { Name = name, Kind = TarEntryKind.File, Mode = mode, Size = data.Length }, data);
    }

    private static async Task<IImage> WithFilesAsync(IImage image, params (TarEntryHeader, byte[]?)[] entries) =>
        Mutate.AppendLayers(image, [(await InMemoryLayer.FromEntriesAsync(entries), new HistoryEntry { CreatedBy = "test" })]);

    [Fact]
    public async Task Dotnet_without_invariant_globalization_on_scratch_names_the_icu_libraries()
    {
        var publish = await IcuCalculator.GetAsync();
        using var sandbox = new CliSandbox();
        var layout = sandbox["oci"];
        await sandbox.OkAsync("pack", publish, "--entrypoint", "/calculator", "-o", $"oci:{layout}:t");
        LayoutValidator.AssertValid(layout);
        var result = await sandbox.RunAsync("verify", $"oci:{layout}:t");
        Assert.True(result.ExitCode == 1, result.All);
        foreach (var name in new[] { "libicuuc.so", "libicui18n.so", "[icu-missing]", "ld-linux-x86-64.so.2", "libc.so.6" })
            Assert.Contains(name, result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Icu_is_found_in_the_image_or_not_needed_with_invariant_globalization_in_the_env()
    {
        var publish = await IcuCalculator.GetAsync();
        using var temp = new TempDir();
        var debian = await WithFilesAsync(await DebianAsync(temp, "/calculator"), HostFile(Path.Combine(publish, "calculator"), "calculator"));
        var report = await ImageVerifier.VerifyAsync(debian, Ct);
        var finding = Assert.Single(report.Findings);
        Assert.Equal("icu-missing", finding.Rule.Id);
        Assert.Equal(VerifySeverity.Error, finding.Severity);

        var invariant = await WithFilesAsync(await DebianAsync(temp, "/calculator", "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1"), HostFile(Path.Combine(publish, "calculator"), "calculator"));
        Assert.Empty((await ImageVerifier.VerifyAsync(invariant, Ct)).Findings);

        var withIcu = await WithFilesAsync(debian,
            HostFile($"{Multiarch}/libicuuc.so.72", "usr/lib/x86_64-linux-gnu/libicuuc.so.72", 0x1a4),
            HostFile($"{Multiarch}/libicui18n.so.72", "usr/lib/x86_64-linux-gnu/libicui18n.so.72", 0x1a4),
            HostFile($"{Multiarch}/libicudata.so.72", "usr/lib/x86_64-linux-gnu/libicudata.so.72", 0x1a4));
        var ok = await ImageVerifier.VerifyAsync(withIcu, Ct);
        Assert.True(ok.Ok, string.Join("\n", ok.Findings));
        Assert.Empty(ok.Findings);
    }

    [Fact]
    public async Task A_go_tls_client_without_a_ca_bundle_is_warned_about()
    {
        var programs = await NativePrograms.GetAsync();
        var app = HostFile(Path.Combine(programs.GoTls, "app"), "app");
        var scratch = Image.Create(ImageConfig.Empty(Platform.LinuxAmd64) with { Config = new ContainerConfig { Entrypoint = ["/app"] } }, [await InMemoryLayer.FromEntriesAsync([app])]);
        var report = await ImageVerifier.VerifyAsync(scratch, Ct);
        Assert.True(report.Ok); // a warning: it may never connect
        var warning = Assert.Single(report.Findings);
        Assert.Equal("ca-bundle-missing", warning.Rule.Id);
        Assert.Equal(VerifySeverity.Warning, warning.Severity);

        var withBundle = await WithFilesAsync(scratch, TarBytes.File("etc/ssl/certs/ca-certificates.crt", "-----BEGIN CERTIFICATE-----\n"));
        Assert.Empty((await ImageVerifier.VerifyAsync(withBundle, Ct)).Findings);

        // a Go program without crypto/x509 is not asked for one
        var plain = Image.Create(scratch.Config, [await InMemoryLayer.FromEntriesAsync([HostFile(Path.Combine(programs.GoStatic, "app"), "app")])]);
        Assert.Empty((await ImageVerifier.VerifyAsync(plain, Ct)).Findings);
    }

    [Fact]
    public async Task A_c_program_linked_against_openssl_without_a_ca_bundle_is_warned_about()
    {
        // curl and wget reach OpenSSL or GnuTLS through DT_NEEDED (curl through libcurl), and fail every https request without a bundle
        var programs = await NativePrograms.GetAsync();
        using var temp = new TempDir();
        var debian = await WithFilesAsync(await DebianAsync(temp, "/app"), HostFile(Path.Combine(programs.CTls, "app"), "app"),
            HostFile(NativePrograms.HostLibSsl, "usr/lib/x86_64-linux-gnu/libssl.so.3", 0x1a4),
            HostFile($"{Multiarch}/libcrypto.so.3", "usr/lib/x86_64-linux-gnu/libcrypto.so.3", 0x1a4));
        var report = await ImageVerifier.VerifyAsync(debian, Ct);
        Assert.True(report.Ok, string.Join("\n", report.Findings));
        var warning = Assert.Single(report.Findings);
        Assert.Equal("ca-bundle-missing", warning.Rule.Id);
        Assert.Equal(VerifySeverity.Warning, warning.Severity);

        var withBundle = await WithFilesAsync(debian, TarBytes.File("etc/ssl/certs/ca-certificates.crt", "-----BEGIN CERTIFICATE-----\n"));
        Assert.Empty((await ImageVerifier.VerifyAsync(withBundle, Ct)).Findings);
    }

    [Fact]
    public async Task Nss_services_for_users_and_hosts_need_their_modules()
    {
        using var temp = new TempDir();
        var debian = await DebianAsync(temp, "/bin/bash");
        var systemd = await WithFilesAsync(debian, TarBytes.File("etc/nsswitch.conf", "passwd: files systemd\nhosts: files [NOTFOUND=return] dns\nnetgroup: nis\n"));
        var report = await ImageVerifier.VerifyAsync(systemd, Ct);
        var warning = Assert.Single(report.Findings);
        Assert.Equal("nss-module-missing", warning.Rule.Id);
        Assert.Contains("libnss_systemd.so.2", warning.Message, StringComparison.Ordinal);

        var withModule = await WithFilesAsync(systemd, HostFile($"{Multiarch}/libnss_systemd.so.2", "usr/lib/x86_64-linux-gnu/libnss_systemd.so.2", 0x1a4));
        Assert.DoesNotContain((await ImageVerifier.VerifyAsync(withModule, Ct)).Findings, f => f.Rule.Id == "nss-module-missing");
    }
}
