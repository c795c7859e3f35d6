using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Distill.Registry.Configuration;

/// <summary>
/// Per-registry TLS material as containers-certs.d(5) and Docker lay it out: a directory named <c>host[:port]</c> under
/// one of the roots, holding CA certificates (<c>*.crt</c>) and client certificate pairs (<c>NAME.cert</c> + <c>NAME.key</c>).
/// The first root that has a directory for the host is used (roots are not merged), in order:
/// <c>$XDG_CONFIG_HOME</c> (or <c>$HOME/.config</c>)<c>/containers/certs.d</c>, <c>/etc/containers/certs.d</c>, <c>/etc/docker/certs.d</c>.
/// </summary>
public sealed class CertificateDirectories
{
    public const string ContainersRoot = "/etc/containers/certs.d";
    public const string DockerRoot = "/etc/docker/certs.d";

    public CertificateDirectories(IReadOnlyList<string> roots)
    {
        ArgumentNullException.ThrowIfNull(roots);
        Roots = roots;
    }

    /// <summary>The directories searched, in order.</summary>
    public IReadOnlyList<string> Roots { get; }

    /// <summary>The standard roots, the user's first.</summary>
    /// <param name="environment">Environment lookup (default: the process environment).</param>
    public static CertificateDirectories CreateDefault(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var roots = new List<string>();
        if (RegistriesConf.UserConfigDirectory(environment) is { } configHome)
            roots.Add(Path.Combine(configHome, "containers", "certs.d"));
        roots.Add(ContainersRoot);
        roots.Add(DockerRoot);
        return new CertificateDirectories(roots);
    }

    /// <summary>
    /// The CA and client certificates for <paramref name="hostAndPort"/> (<c>registry.example.com:5000</c>); empty when no
    /// root has a directory for it.
    /// </summary>
    /// <exception cref="RegistryConfigurationException">An unreadable or malformed file, or a client certificate without its key (or the reverse).</exception>
    public RegistryCertificates Load(string hostAndPort)
    {
        ArgumentException.ThrowIfNullOrEmpty(hostAndPort);
        if (hostAndPort.Contains('/', StringComparison.Ordinal) || hostAndPort is "." or "..")
            throw new ArgumentException($"\"{hostAndPort}\" is not a host[:port]", nameof(hostAndPort));
        foreach (var root in Roots)
        {
            var directory = Path.Combine(root, hostAndPort);
            if (Directory.Exists(directory))
                return LoadDirectory(directory);
        }
        return RegistryCertificates.None;
    }

    private static RegistryCertificates LoadDirectory(string directory)
    {
        string[] files;
        try
        {
            files = [.. Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RegistryConfigurationException(directory, "cannot list certificates: " + e.Message, e);
        }

        var authorities = new X509Certificate2Collection();
        var clients = new X509Certificate2Collection();
        foreach (var file in files)
        {
            var extension = Path.GetExtension(file);
            if (extension == ".crt")
            {
                var before = authorities.Count;
                Guard(file, () => authorities.ImportFromPemFile(file));
                if (authorities.Count == before)
                    throw new RegistryConfigurationException(file, null, "no PEM certificate in a .crt file");
            }
            else if (extension == ".cert")
            {
                var key = Path.ChangeExtension(file, ".key");
                if (!File.Exists(key))
                    throw new RegistryConfigurationException(file, null, $"client certificate without its key {Path.GetFileName(key)}");
                clients.Add(Guard(file, () => X509Certificate2.CreateFromPemFile(file, key)));
            }
            else if (extension == ".key")
            {
                if (!File.Exists(Path.ChangeExtension(file, ".cert")))
                    throw new RegistryConfigurationException(file, null, $"client key without its certificate {Path.GetFileName(Path.ChangeExtension(file, ".cert"))}");
            }
        }
        return new RegistryCertificates(directory, authorities, clients);
    }

    private static T Guard<T>(string file, Func<T> load)
    {
        try
        {
            return load();
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new RegistryConfigurationException(file, "cannot load certificate: " + e.Message.Split('\n', 2)[0].Trim(), e);
        }
    }

    private static void Guard(string file, Action load) => Guard(file, () =>
    {
        load();
        return 0;
    });
}
