using System.Runtime.InteropServices;

namespace Distill.Registry.Credentials;

/// <summary>
/// The environment the credential files are found from: the variables podman, skopeo and docker read, the
/// <c>PATH</c> credential helpers are found on, and the user id (for <c>/run/containers/UID/auth.json</c>).
/// A value, so tests describe their own world instead of changing the process environment; empty means unset.
/// </summary>
public sealed partial record CredentialEnvironment
{
    /// <summary><c>$REGISTRY_AUTH_FILE</c> (or <c>--authfile</c>): replaces the primary read/write file.</summary>
    public string? RegistryAuthFile { get; init; }

    /// <summary><c>$XDG_RUNTIME_DIR</c>: the primary file is <c>$XDG_RUNTIME_DIR/containers/auth.json</c>.</summary>
    public string? XdgRuntimeDir { get; init; }

    /// <summary><c>$XDG_CONFIG_HOME</c> (default <c>$HOME/.config</c>): <c>containers/auth.json</c> there is read.</summary>
    public string? XdgConfigHome { get; init; }

    /// <summary><c>$DOCKER_CONFIG</c>: <c>config.json</c> there replaces <c>$HOME/.docker/config.json</c>.</summary>
    public string? DockerConfig { get; init; }

    /// <summary><c>$HOME</c>.</summary>
    public string? Home { get; init; }

    /// <summary><c>$PATH</c>, searched for <c>docker-credential-NAME</c> and given to the helper.</summary>
    public string? Path { get; init; }

    /// <summary>The user id, for the primary file when <c>XDG_RUNTIME_DIR</c> is unset.</summary>
    public uint UserId { get; init; }

    /// <summary>Reads the variables through <paramref name="variable"/>.</summary>
    public static CredentialEnvironment FromVariables(Func<string, string?> variable, uint userId)
    {
        ArgumentNullException.ThrowIfNull(variable);
        string? Get(string name) => variable(name) is { Length: > 0 } value ? value : null;
        return new CredentialEnvironment
        {
            RegistryAuthFile = Get("REGISTRY_AUTH_FILE"),
            XdgRuntimeDir = Get("XDG_RUNTIME_DIR"),
            XdgConfigHome = Get("XDG_CONFIG_HOME"),
            DockerConfig = Get("DOCKER_CONFIG"),
            Home = Get("HOME"),
            Path = Get("PATH"),
            UserId = userId,
        };
    }

    /// <summary>This process's environment.</summary>
    public static CredentialEnvironment FromProcess()
    {
        var environment = FromVariables(Environment.GetEnvironmentVariable, GetUid());
        return environment.Home is null
            ? environment with { Home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) is { Length: > 0 } home ? home : null }
            : environment;
    }

    [LibraryImport("libc", EntryPoint = "getuid")]
    private static partial uint GetUid();
}
