using System.CommandLine;
using Distill.Oci;
using Distill.Registry;

namespace Distill.Cli;

/// <summary>The registry switches skopeo users know, shared by copy, pull and push, and the TransportOptions they make.</summary>
internal sealed class RegistryOptions
{
    public Option<bool> SourceTlsVerify { get; } = new("--src-tls-verify") { Description = "Verify TLS when reading from a registry (false also allows plain HTTP)", DefaultValueFactory = _ => true };
    public Option<bool> DestinationTlsVerify { get; } = new("--dest-tls-verify") { Description = "Verify TLS when writing to a registry (false also allows plain HTTP)", DefaultValueFactory = _ => true };
    public Option<string?> SourceCreds { get; } = new("--src-creds") { Description = "USER[:PASSWORD] for the source registry" };
    public Option<string?> DestinationCreds { get; } = new("--dest-creds") { Description = "USER[:PASSWORD] for the destination registry" };
    public Option<string?> RegistriesConf { get; } = new("--registries-conf") { Description = "registries.conf to use (mirrors, insecure and blocked registries)" };
    public Option<string?> AuthFile { get; } = new("--authfile") { Description = "Auth file (default: $REGISTRY_AUTH_FILE, then containers/auth.json, then ~/.docker/config.json)" };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { SourceTlsVerify, DestinationTlsVerify, SourceCreds, DestinationCreds, RegistriesConf, AuthFile })
            command.Options.Add(option);
    }

    /// <summary>Only the switches that read (for commands that take one image and write no image: sbom, inspect).</summary>
    public void AddSourceTo(Command command)
    {
        foreach (var option in new Option[] { SourceTlsVerify, SourceCreds, RegistriesConf, AuthFile })
            command.Options.Add(option);
    }

    public TransportOptions Create(ParseResult result, Platform platform, ImageReference? source, ImageReference? destination)
    {
        var srcVerify = result.GetValue(SourceTlsVerify);
        var destVerify = result.GetValue(DestinationTlsVerify);
        var explicitCredentials = new Dictionary<string, RegistryCredential>(StringComparer.Ordinal);
        AddExplicit(explicitCredentials, source, result.GetValue(SourceCreds));
        AddExplicit(explicitCredentials, destination, result.GetValue(DestinationCreds));
        var authFile = result.GetValue(AuthFile);
        var registriesConf = result.GetValue(RegistriesConf);
        return new TransportOptions
        {
            Platform = platform,
            RegistryFactory = () =>
            {
                var credentials = new ExplicitCredentials(explicitCredentials, CredentialSources.Create(authFile));
                var resolver = ResolverSources.Create(registriesConf);
                var certificates = Distill.Registry.Configuration.CertificateDirectories.CreateDefault();
                return new RegistryContext(credentials, resolver, skipTlsVerify: host => !srcVerify || !destVerify || resolver.IsInsecure(host),
                    trustFor: authority => certificates.Load(authority) is { CertificateAuthorities.Count: > 0 } found ? found.CreateValidationCallback() : null)
                {
                    SourceTlsVerify = srcVerify,
                    DestinationTlsVerify = destVerify,
                };
            },
        };
    }

    private static void AddExplicit(Dictionary<string, RegistryCredential> map, ImageReference? reference, string? creds)
    {
        if (creds is null || reference is not (RegistryReference or StoreReference))
            return;
        var name = reference is RegistryReference r ? r.Name : ((StoreReference)reference).Name;
        var colon = creds.IndexOf(':', StringComparison.Ordinal);
        var credential = new RegistryCredential(colon < 0 ? creds : creds[..colon], colon < 0 ? "" : creds[(colon + 1)..]);
        var endpoint = new RegistryEndpoint(name.Domain, name.Repository, false, false);
        map[endpoint.Host] = credential;
        map[endpoint.ApiHost] = credential;
    }

    /// <summary>Credentials given on the command line win; the auth files answer the rest.</summary>
    private sealed class ExplicitCredentials(Dictionary<string, RegistryCredential> given, ICredentialProvider fallback) : ICredentialProvider
    {
        public ValueTask<RegistryCredential?> GetAsync(string registryHost, CancellationToken ct) =>
            given.TryGetValue(registryHost, out var c) ? ValueTask.FromResult<RegistryCredential?>(c) : fallback.GetAsync(registryHost, ct);
    }
}

/// <summary>Where credentials come from: the auth files docker, podman and skopeo use (<c>--authfile</c> replaces the primary one).</summary>
internal static class CredentialSources
{
    public static ICredentialProvider Create(string? authFile)
    {
        var environment = Distill.Registry.Credentials.CredentialEnvironment.FromProcess();
        return new Distill.Registry.Credentials.DockerCredentialStore(authFile is null ? environment : environment with { RegistryAuthFile = authFile });
    }
}

/// <summary>Where mirrors and insecure registries come from: registries.conf, looked up as podman and skopeo do.</summary>
internal static class ResolverSources
{
    public static IRegistryResolver Create(string? registriesConf) => Distill.Registry.Configuration.RegistriesConf.Load(registriesConf);
}
