namespace Distill.Registry.Credentials;

/// <summary>
/// Checks a credential against the registry before <c>distill login</c> stores it (as docker and podman do).
/// The registry client implements it; until it is wired, <see cref="StoreOnlyLoginVerifier"/> stores without checking.
/// </summary>
public interface IRegistryLoginVerifier
{
    /// <summary>
    /// True when the registry accepted the credential, false when nothing was checked. Throws (with a one-line
    /// message that holds no secret) when the registry rejects it or cannot be reached.
    /// </summary>
    /// <param name="registry">Normalised host, or host/namespace for a repository-scoped login.</param>
    /// <param name="credential">What the user gave.</param>
    /// <param name="ct">Cancels the check.</param>
    ValueTask<bool> VerifyAsync(string registry, RegistryCredential credential, CancellationToken ct);
}
