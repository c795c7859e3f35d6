using System.Net;
using Distill.Registry.Credentials;

namespace Distill.Registry;

/// <summary>
/// Checks a login the way <c>docker login</c> does: <c>GET /v2/</c> answering the registry's challenge (Basic, or a
/// bearer token from its token server) with the new credential. Loopback registries and those registries.conf marks
/// insecure may use plain HTTP.
/// </summary>
public sealed class RegistryLoginVerifier(Func<IRegistryResolver> resolverFactory) : IRegistryLoginVerifier
{
    public async ValueTask<bool> VerifyAsync(string registry, RegistryCredential credential, CancellationToken ct)
    {
        var resolver = resolverFactory(); // read registries.conf only when a login needs it
        var host = registry.Split('/')[0];
        var insecure = resolver.IsInsecure(host) || IsLoopback(host);
        var context = new RegistryContext(new Single(credential), resolver, RegistryPolicy.Default with { MaxAttempts = 2 }, skipTlsVerify: _ => insecure);
        var apiHost = new RegistryEndpoint(host, "", insecure, false).ApiHost;
        var at = await context.Client.LocateAsync(apiHost, "", insecure, ct);
        return await context.Client.PingAsync(at, ct);
    }

    private static bool IsLoopback(string host)
    {
        var name = host.StartsWith('[') ? host[1..host.IndexOf(']', StringComparison.Ordinal)] : host.Split(':')[0];
        return name == "localhost" || (IPAddress.TryParse(name, out var address) && IPAddress.IsLoopback(address));
    }

    private sealed class Single(RegistryCredential credential) : ICredentialProvider
    {
        public ValueTask<RegistryCredential?> GetAsync(string registryHost, CancellationToken ct) => ValueTask.FromResult<RegistryCredential?>(credential);
    }
}
