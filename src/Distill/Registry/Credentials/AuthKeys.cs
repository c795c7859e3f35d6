namespace Distill.Registry.Credentials;

/// <summary>
/// The keys of auth files, normalised the way podman and skopeo compare them: <c>https://HOST/v1/</c> and
/// <c>http://HOST</c> are <c>HOST</c>; <c>index.docker.io</c>, <c>registry-1.docker.io</c> and
/// <c>https://index.docker.io/v1/</c> are Docker Hub, <c>docker.io</c>; a key without a scheme may name a
/// namespace or repository (<c>quay.io/team/app</c>), matched most specific first.
/// </summary>
public static class AuthKeys
{
    /// <summary>Docker Hub as podman writes it.</summary>
    public const string DockerHub = "docker.io";

    /// <summary>Docker Hub as the docker CLI writes it, and the server URL it gives credential helpers.</summary>
    public const string DockerHubServerUrl = "https://index.docker.io/v1/";

    /// <summary>The registry host, with Hub's aliases made <c>docker.io</c>.</summary>
    public static string NormalizeHost(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return host.ToLowerInvariant() switch
        {
            "docker.io" or "index.docker.io" or "registry-1.docker.io" => DockerHub,
            _ => host,
        };
    }

    /// <summary>
    /// A key as written in a file, normalised: a scheme drops the path too (<c>https://HOST/v1/</c>), a legacy
    /// (<c>.dockercfg</c>) key is a host whatever follows it, otherwise <c>HOST/namespace/repo</c> stays scoped.
    /// </summary>
    public static string NormalizeKey(string key, bool legacy = false)
    {
        ArgumentNullException.ThrowIfNull(key);
        var rest = key;
        var hostOnly = legacy;
        foreach (var scheme in (string[])["https://", "http://"])
        {
            if (rest.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                rest = rest[scheme.Length..];
                hostOnly = true;
                break;
            }
        }
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var host = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 || hostOnly ? "" : rest[(slash + 1)..]; // not trimmed: "HOST/v1/" matches nothing, as in skopeo
        host = NormalizeHost(host);
        return path.Length == 0 ? host : $"{host}/{path}";
    }

    /// <summary>
    /// What a user names at <c>login</c>/<c>logout</c>: <c>HOST[:PORT]</c>, <c>https://HOST[/v1/]</c> or
    /// <c>HOST/namespace[/repo]</c>, normalised. Tags and digests are refused.
    /// </summary>
    public static string ParseRegistry(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0 || value.Any(char.IsWhiteSpace))
            throw new FormatException($"invalid registry \"{value}\": expected HOST[:PORT] or HOST/NAMESPACE");
        var key = NormalizeKey(value).TrimEnd('/');
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var host = slash < 0 ? key : key[..slash];
        if (host.Length == 0)
            throw new FormatException($"invalid registry \"{value}\": no host");
        if (slash >= 0 && (key.IndexOfAny([':', '@'], slash) >= 0 || key.Contains("//", StringComparison.Ordinal)))
            throw new FormatException($"invalid registry \"{value}\": a namespace or repository, without tag or digest, may follow the host");
        return key;
    }

    /// <summary>The host part of a normalised key.</summary>
    public static string HostOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? key : key[..slash];
    }

    /// <summary>
    /// The keys to try for an image, most specific first: <c>HOST/a/b/c</c>, <c>HOST/a/b</c>, <c>HOST/a</c>, <c>HOST</c>.
    /// </summary>
    public static IReadOnlyList<string> LookupOrder(string registryHost, string? repository)
    {
        var host = NormalizeHost(registryHost);
        var keys = new List<string>();
        if (!string.IsNullOrEmpty(repository))
        {
            var path = repository.Trim('/');
            while (path.Length > 0)
            {
                keys.Add($"{host}/{path}");
                var slash = path.LastIndexOf('/');
                path = slash < 0 ? "" : path[..slash];
            }
        }
        keys.Add(host);
        return keys;
    }

    /// <summary>The server URL given to a credential helper for a host: docker's URL for Hub, else the host.</summary>
    public static string HelperServerUrl(string host) => NormalizeHost(host) == DockerHub ? DockerHubServerUrl : host;
}
