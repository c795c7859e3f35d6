namespace Distill.Registry;

/// <summary>A repository at a registry: the base URI chosen for its host (https, or http where allowed) and the name.</summary>
public sealed record RegistryLocation(Uri BaseUri, string Host, string Repository)
{
    public Uri Url(string path) => new(BaseUri, $"/v2/{Repository}/{path}");

    public override string ToString() => Repository.Length == 0 ? Host : $"{Host}/{Repository}";
}
