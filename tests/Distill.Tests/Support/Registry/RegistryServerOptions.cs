namespace Distill.Tests.Support;

/// <summary>How to run a <see cref="RegistryServer"/>.</summary>
public sealed record RegistryServerOptions
{
    public RegistryAuth Auth { get; init; } = RegistryAuth.None;

    /// <summary>Serve HTTPS with a certificate from a fresh test CA (<see cref="RegistryServer.Tls"/>).</summary>
    public bool Tls { get; init; }

    /// <summary>The user of the htpasswd file, or of the token server the registry starts itself.</summary>
    public string Username { get; init; } = "alice";

    public string Password { get; init; } = "wonderland";

    /// <summary>
    /// In <see cref="RegistryAuth.Token"/> mode: the token server to trust (the caller owns and disposes it). When null, the
    /// registry starts its own with <see cref="Username"/>/<see cref="Password"/> (everything) and anonymous pull.
    /// </summary>
    public TokenServer? TokenServer { get; init; }
}
