namespace Distill.Tests.Support;

/// <summary>How a <see cref="RegistryServer"/> authenticates clients.</summary>
public enum RegistryAuth
{
    /// <summary>Anyone may pull and push.</summary>
    None,

    /// <summary>HTTP Basic against a bcrypt htpasswd file with one user.</summary>
    Htpasswd,

    /// <summary>Bearer tokens from a <see cref="TokenServer"/> (the Docker token authentication flow).</summary>
    Token,
}
