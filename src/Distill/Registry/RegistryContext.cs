using System.Net.Security;

namespace Distill.Registry;

/// <summary>
/// Everything registry transports need, built once per command: the HTTP stack (auth handler over sockets, with the
/// TLS policy), the protocol client, the resolver (registries.conf) and the skopeo-style TLS switches.
/// </summary>
public sealed class RegistryContext
{
    public RegistryContext(ICredentialProvider credentials, IRegistryResolver resolver, RegistryPolicy? policy = null, Func<string, bool>? skipTlsVerify = null)
    {
        Resolver = resolver;
        Auth = new RegistryAuthHandler(credentials);
        var insecure = skipTlsVerify ?? resolver.IsInsecure;
        Auth.InnerHandler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(30),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            MaxConnectionsPerServer = 16,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
                    errors == SslPolicyErrors.None || (sender is SslStream s && insecure(s.TargetHostName)) || TlsTrust?.Invoke(sender, certificate, chain, errors) == true,
            },
        };
        Client = new RegistryClient(new HttpClient(Auth, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan }, policy ?? RegistryPolicy.Default);
    }

    public RegistryClient Client { get; }
    public IRegistryResolver Resolver { get; }
    public RegistryAuthHandler Auth { get; }
    /// <summary>Extra trust (CA files from certs.d), consulted when the system store does not accept a certificate.</summary>
    public RemoteCertificateValidationCallback? TlsTrust { get; init; }
    /// <summary>skopeo's <c>--src-tls-verify</c>: false allows unverified TLS and plain HTTP when pulling.</summary>
    public bool SourceTlsVerify { get; init; } = true;
    /// <summary>skopeo's <c>--dest-tls-verify</c>.</summary>
    public bool DestinationTlsVerify { get; init; } = true;
}
