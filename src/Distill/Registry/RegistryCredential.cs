namespace Distill.Registry;

/// <summary>What a registry accepts as proof: a user name and password, or an identity (refresh) token.</summary>
public sealed record RegistryCredential(string? Username, string? Password, string? IdentityToken = null)
{
    /// <summary>Never print secrets: records print their members, so this one hides them.</summary>
    public override string ToString() => $"RegistryCredential {{ Username = {Username}, Password = {(Password is null ? "null" : "***")}, IdentityToken = {(IdentityToken is null ? "null" : "***")} }}";
}

/// <summary>Finds the credential for a registry host (e.g. <c>docker.io</c>, <c>localhost:5000</c>).</summary>
public interface ICredentialProvider
{
    ValueTask<RegistryCredential?> GetAsync(string registryHost, CancellationToken ct);
}

/// <summary>No credentials: anonymous access only.</summary>
public sealed class AnonymousCredentials : ICredentialProvider
{
    public static AnonymousCredentials Instance { get; } = new();
    public ValueTask<RegistryCredential?> GetAsync(string registryHost, CancellationToken ct) => ValueTask.FromResult<RegistryCredential?>(null);
}
