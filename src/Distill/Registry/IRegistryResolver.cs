using Distill.Oci;

namespace Distill.Registry;

/// <summary>Where to look for an image: mirrors first, then the origin (registries.conf), and which hosts are insecure.</summary>
public interface IRegistryResolver
{
    IReadOnlyList<RegistryEndpoint> Resolve(ImageName name);
    bool IsInsecure(string host);
}

/// <summary>No configuration: every name is looked up at its own registry, over verified TLS.</summary>
public sealed class DirectResolver : IRegistryResolver
{
    public static DirectResolver Instance { get; } = new();
    public IReadOnlyList<RegistryEndpoint> Resolve(ImageName name) => [new RegistryEndpoint(name.Domain, name.Repository, false, false)];
    public bool IsInsecure(string host) => false;
}
