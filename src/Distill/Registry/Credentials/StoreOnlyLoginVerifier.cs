namespace Distill.Registry.Credentials;

/// <summary>Checks nothing: <c>distill login</c> only stores the credential.</summary>
public sealed class StoreOnlyLoginVerifier : IRegistryLoginVerifier
{
    public static StoreOnlyLoginVerifier Instance { get; } = new();

    public ValueTask<bool> VerifyAsync(string registry, RegistryCredential credential, CancellationToken ct) => ValueTask.FromResult(false);
}
