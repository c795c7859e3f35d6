using System.Text;
using System.Text.RegularExpressions;

namespace Distill.Analysis;

/// <summary>
/// What a program loads at run time that <c>DT_NEEDED</c> cannot show, recognised from markers in the binary and
/// checked against the root filesystem:
/// <list type="bullet">
/// <item>.NET Native AOT without invariant globalization dlopens ICU (<c>libicuuc.so.N</c>, <c>libicui18n.so.N</c>)
/// and aborts at start without it — unless <c>DOTNET_SYSTEM_GLOBALIZATION_INVARIANT</c> is set in the Env;</item>
/// <item>.NET with crypto linked in dlopens OpenSSL (<c>libssl.so.3</c> …) when it first uses it;</item>
/// <item>Go and .NET programs that verify TLS certificates read a CA bundle from the usual places;</item>
/// <item>glibc's NSS loads <c>libnss_SERVICE.so.2</c> for each service <c>/etc/nsswitch.conf</c> names for users,
/// groups and hosts (files and dns are inside libc since glibc 2.34);</item>
/// <item>tzdata for named time zones (<see cref="TimeZoneCheck"/>) and Python's standard library (<see cref="PythonStdlibCheck"/>).</item>
/// </list>
/// </summary>
public static partial class RuntimeLoadCheck
{
    /// <summary>Where Go (crypto/x509/root_linux.go) and OpenSSL look for a CA bundle.</summary>
    public static readonly string[] CaBundles =
    [
        "/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/ca-bundle.pem",
        "/etc/pki/tls/cacert.pem", "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", "/etc/ssl/cert.pem",
    ];

    /// <summary>The ICU libraries .NET's ICU loader dlopens (pal_icushim.c), by the name they share with a version.</summary>
    internal static readonly string[] IcuLibraries = ["libicuuc", "libicui18n"];

    /// <summary>
    /// TLS libraries a native program reaches through <c>DT_NEEDED</c> (OpenSSL, GnuTLS, NSS, mbed TLS, wolfSSL), by the
    /// start of their names: they verify peers against a CA bundle (curl and wget do, through libcurl or directly).
    /// </summary>
    internal static readonly string[] TlsLibraries = ["libssl.so", "libgnutls.so", "libnss3.so", "libmbedtls.so", "libwolfssl.so"];

    /// <summary>The findings for the program at <paramref name="path"/>; <paramref name="libraries"/> names what its loader maps (its closure).</summary>
    public static async Task<IReadOnlyList<VerifyFinding>> RunAsync(IRootFilesystem fs, ElfFile elf, byte[] bytes, string path,
        IReadOnlyDictionary<string, string> env, IEnumerable<string> libraries, CancellationToken ct)
    {
        var findings = new List<VerifyFinding>();
        var loader = await LoaderConfiguration.LoadAsync(fs, elf, env, ct);
        if (elf.IsDotNetAot)
        {
            if (NeedsIcu(elf, bytes, env))
            {
                var missing = IcuLibraries.Where(name => !HasVersionedLibrary(fs, loader, name)).ToList();
                if (missing.Count > 0)
                    findings.Add(new VerifyFinding(VerifyRules.IcuMissing, VerifySeverity.Error,
                        $"{path} is .NET without invariant globalization and loads ICU at start, but {string.Join(" and ", missing.Select(m => m + ".so.N"))} " +
                        "are not in the image (install ICU, or publish with InvariantGlobalization=true / set DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1)", path));
            }
            if (NeedsOpenSsl(elf, bytes) && !HasVersionedLibrary(fs, loader, "libssl"))
                findings.Add(new VerifyFinding(VerifyRules.OpenSslMissing, VerifySeverity.Warning,
                    $"{path} is .NET with cryptography linked in, which loads OpenSSL (libssl.so.N) on first use; none is in the image", path));
        }
        if (UsesTls(elf, bytes, libraries) && !HasCaBundle(fs, env))
            findings.Add(new VerifyFinding(VerifyRules.CaBundleMissing, VerifySeverity.Warning,
                $"{path} can make TLS connections but the image has no CA bundle ({CaBundles[0]} or the like): certificate checks will fail", path));
        if (elf.Needed.Contains("libc.so.6"))
            findings.AddRange(await NssAsync(fs, loader, path, ct));
        findings.AddRange(TimeZoneCheck.Run(fs, elf, bytes, path, env));
        findings.AddRange(PythonStdlibCheck.Run(fs, elf, path, env));
        return findings;
    }

    /// <summary>.NET Native AOT without invariant globalization (and not made invariant by the Env) loads ICU at start.</summary>
    internal static bool NeedsIcu(ElfFile elf, byte[] bytes, IReadOnlyDictionary<string, string> env)
    {
        var invariant = env.TryGetValue("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", out var value) && value.Trim().ToLowerInvariant() is "1" or "true";
        return elf.IsDotNetAot && !invariant && bytes.AsSpan().IndexOf("libicuuc.so"u8) >= 0;
    }

    /// <summary>.NET with cryptography linked in loads OpenSSL (<c>libssl.so.N</c>) on first use.</summary>
    internal static bool NeedsOpenSsl(ElfFile elf, byte[] bytes) => elf.IsDotNetAot && bytes.AsSpan().IndexOf("libssl.so"u8) >= 0;

    /// <summary>
    /// Go programs with crypto/x509 and .NET programs with OpenSSL carry the CA bundle locations; native programs
    /// linked (directly or through their libraries) against a TLS library read the bundle that library is built with.
    /// </summary>
    internal static bool UsesTls(ElfFile elf, byte[] bytes, IEnumerable<string> libraries) =>
        ((elf.Go is not null || elf.IsDotNetAot) && bytes.AsSpan().IndexOf("/etc/ssl/certs"u8) >= 0)
        || elf.Needed.Concat(libraries).Any(name => TlsLibraries.Any(tls => name.StartsWith(tls, StringComparison.Ordinal)));

    internal static bool HasCaBundle(IRootFilesystem fs, IReadOnlyDictionary<string, string> env)
    {
        if (env.TryGetValue("SSL_CERT_FILE", out var file) && RootPath.Resolve(fs, file).Exists)
            return true;
        if (CaBundles.Any(bundle => RootPath.Resolve(fs, bundle) is { Exists: true, Entry.Kind: Oci.TarEntryKind.File }))
            return true;
        var dir = env.TryGetValue("SSL_CERT_DIR", out var certDir) ? certDir : "/etc/ssl/certs";
        return RootPath.Resolve(fs, dir) is { Exists: true } resolved && fs.List(resolved.Path).Any(n => n.EndsWith(".pem", StringComparison.Ordinal) || n.EndsWith(".0", StringComparison.Ordinal));
    }

    /// <summary>Services in nsswitch.conf other than those built into libc need <c>libnss_SERVICE.so.2</c>.</summary>
    private static async Task<IReadOnlyList<VerifyFinding>> NssAsync(IRootFilesystem fs, LoaderConfiguration loader, string path, CancellationToken ct)
    {
        var services = await NssServicesAsync(fs, ct);
        return services.Where(s => !HasLibrary(fs, loader, NssModule(s)))
            .Select(s => new VerifyFinding(VerifyRules.NssModuleMissing, VerifySeverity.Warning,
                $"/etc/nsswitch.conf names \"{s}\" but {NssModule(s)} is not in the image: lookups through it (users, hosts) fail quietly", "/etc/nsswitch.conf"))
            .ToList();
    }

    /// <summary>The library glibc loads for an NSS service.</summary>
    internal static string NssModule(string service) => $"libnss_{service}.so.2";

    /// <summary>The services <c>/etc/nsswitch.conf</c> names for users, groups and hosts, other than files and dns (inside libc); sorted.</summary>
    internal static async Task<IReadOnlyList<string>> NssServicesAsync(IRootFilesystem fs, CancellationToken ct)
    {
        var conf = await RootPath.ReadFileAsync(fs, "/etc/nsswitch.conf", LoaderConfiguration.ConfigurationLimit, ct);
        if (conf is null)
            return [];
        var services = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var raw in Encoding.UTF8.GetString(conf).Split('\n'))
        {
            var line = raw.Split('#')[0];
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            // only the databases programs commonly ask (a missing module elsewhere, such as netgroup: nis, is harmless)
            if (colon < 0 || line[..colon].Trim() is not ("passwd" or "group" or "hosts" or "initgroups"))
                continue;
            foreach (var word in ActionBlock().Replace(line[(colon + 1)..], " ").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                if (word is not ("files" or "dns"))
                    services.Add(word);
            }
        }
        return services.ToList();
    }

    internal static IEnumerable<string> SearchDirectories(LoaderConfiguration loader) =>
        loader.LdLibraryPath.Concat(loader.DefaultDirectories).Concat(loader.ConfDirectories);

    internal static bool HasLibrary(IRootFilesystem fs, LoaderConfiguration loader, string soname) =>
        loader.Cache?.Lookup(soname).Any(p => RootPath.Resolve(fs, p).Exists) == true
        || SearchDirectories(loader).Any(dir => RootPath.Resolve(fs, RootPath.Join(dir, soname)).Exists);

    /// <summary>Any <c>NAME.so.N</c> the loader can find (.NET probes ICU and OpenSSL versions one by one).</summary>
    internal static bool HasVersionedLibrary(IRootFilesystem fs, LoaderConfiguration loader, string name) =>
        VersionedLibraries(fs, loader, name).Any();

    /// <summary>
    /// Every <c>NAME.so.VERSION</c> in the loader's directories that resolves to a file, as the loader would name it
    /// (<c>/lib/x86_64-linux-gnu/libicuuc.so.72</c>) with its version, in search order.
    /// </summary>
    internal static IEnumerable<(string Path, Version Version)> VersionedLibraries(IRootFilesystem fs, LoaderConfiguration loader, string name)
    {
        var prefix = name + ".so.";
        foreach (var dir in SearchDirectories(loader).Distinct(StringComparer.Ordinal))
        {
            var resolved = RootPath.Resolve(fs, dir);
            if (!resolved.Exists)
                continue;
            foreach (var n in fs.List(resolved.Path).Order(StringComparer.Ordinal))
            {
                if (n.StartsWith(prefix, StringComparison.Ordinal) && ParseVersion(n[prefix.Length..]) is { } version
                    && RootPath.Resolve(fs, RootPath.Join(resolved.Path, n)) is { Exists: true, Entry.Kind: Oci.TarEntryKind.File })
                    yield return (RootPath.Join(dir, n), version);
            }
        }
    }

    /// <summary><c>72</c>, <c>72.1</c>, <c>1.1</c> (a lone major is <c>72.0</c>); null for anything else.</summary>
    private static Version? ParseVersion(string text) =>
        text.Length > 0 && text.All(c => char.IsAsciiDigit(c) || c == '.') && !text.StartsWith('.') && !text.EndsWith('.') && !text.Contains("..", StringComparison.Ordinal)
            && Version.TryParse(text.Contains('.', StringComparison.Ordinal) ? text : text + ".0", out var version) ? version : null;

    /// <summary>nsswitch.conf actions such as <c>[NOTFOUND=return]</c>.</summary>
    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex ActionBlock();
}
