using Distill.Registry;

namespace Distill.Tests.Registry.Integration;

/// <summary>One credential for every registry (the loopback ones tests start).</summary>
internal sealed class FixedCredentials(string username, string password) : ICredentialProvider
{
    public ValueTask<RegistryCredential?> GetAsync(string registryHost, CancellationToken ct) =>
        ValueTask.FromResult<RegistryCredential?>(new RegistryCredential(username, password));
}
