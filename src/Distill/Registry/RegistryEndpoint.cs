namespace Distill.Registry;

/// <summary>
/// One place to try for an image: a registry host (with port), the repository there (a mirror or a
/// <c>location</c> may rewrite the name), whether plain HTTP / unverified TLS is allowed, and whether it is a mirror.
/// </summary>
public sealed record RegistryEndpoint(string Host, string Repository, bool Insecure, bool IsMirror)
{
    /// <summary><c>registry-1.docker.io</c> for <c>docker.io</c>, as Docker's daemon and skopeo do.</summary>
    public string ApiHost => Host == "docker.io" ? "registry-1.docker.io" : Host;
}
