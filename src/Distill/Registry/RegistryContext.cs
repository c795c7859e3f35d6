using System.Net.Security;

namespace Distill.Registry;

/// <summary>
/// Everything registry transports need, built once per command: the HTTP stack (auth handler over sockets, with the
/// TLS policy), the protocol client, the resolver (registries.conf) and the skopeo-style TLS switches.
/// </summary>
public sealed class RegistryContext
{
    public RegistryContext(ICredentialProvider credentials, IRegistryResolver resolver, RegistryPolicy? policy = null,
        Func<string, bool>? skipTlsVerify = null, Func<string, RemoteCertificateValidationCallback?>? trustFor = null)
    {
        Resolver = resolver;
        Auth = new RegistryAuthHandler(credentials);
        var insecure = skipTlsVerify ?? resolver.IsInsecure;
        var trust = new System.Collections.Concurrent.ConcurrentDictionary<string, RemoteCertificateValidationCallback?>(StringComparer.Ordinal);
        // HttpClientHandler's callback sees the request, so certs.d trust can be chosen per host:port
        Auth.InnerHandler = new HttpClientHandler
        {
            MaxConnectionsPerServer = 16,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            ServerCertificateCustomValidationCallback = (request, certificate, chain, errors) =>
            {
                if (errors == SslPolicyErrors.None)
                    return true;
                var authority = request.RequestUri!.Authority;
                if (insecure(authority))
                    return true;
                var callback = trust.GetOrAdd(authority, a => trustFor?.Invoke(a));
                return callback is not null && callback(request, certificate, chain, errors);
            },
        };
        Client = new RegistryClient(new HttpClient(Auth, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan }, policy ?? RegistryPolicy.Default);
    }

    public RegistryClient Client { get; }
    public IRegistryResolver Resolver { get; }
    public RegistryAuthHandler Auth { get; }
    /// <summary>skopeo's <c>--src-tls-verify</c>: false allows unverified TLS and plain HTTP when pulling.</summary>
    public bool SourceTlsVerify { get; init; } = true;
    /// <summary>skopeo's <c>--dest-tls-verify</c>.</summary>
    public bool DestinationTlsVerify { get; init; } = true;
}
