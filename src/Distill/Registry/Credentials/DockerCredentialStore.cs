using System.Globalization;

namespace Distill.Registry.Credentials;

/// <summary>
/// The credentials docker, podman and skopeo keep, read and written the way they do.
/// <para>Lookup reads, in order, stopping at the first that has a credential: the primary file —
/// <c>$REGISTRY_AUTH_FILE</c> (or <c>--authfile</c>) if set, else <c>$XDG_RUNTIME_DIR/containers/auth.json</c>, else
/// <c>/run/containers/UID/auth.json</c>; then <c>$XDG_CONFIG_HOME/containers/auth.json</c>
/// (<c>~/.config</c>); <c>$DOCKER_CONFIG/config.json</c> else <c>~/.docker/config.json</c>; <c>~/.dockercfg</c>.
/// (As skopeo does: an explicit auth file replaces the primary one, it does not come before it.)
/// In each file a credential helper named for the host (<c>credHelpers</c>, else <c>credsStore</c>) answers
/// instead of the file's <c>auths</c>; otherwise the most specific key wins (<c>HOST/ns/repo</c>, …, <c>HOST</c>).</para>
/// <para>Login and logout write the primary file only (atomically, 0600, unknown fields kept), or go through
/// the helper that file names for the host.</para>
/// </summary>
public sealed class DockerCredentialStore : ICredentialProvider
{
    private static readonly Lazy<DockerCredentialStore> s_default = new(() => new DockerCredentialStore(CredentialEnvironment.FromProcess()));

    public DockerCredentialStore(CredentialEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        Environment = environment;
    }

    /// <summary>The store of this process's environment.</summary>
    public static DockerCredentialStore Default => s_default.Value;

    public CredentialEnvironment Environment { get; }

    /// <summary>The read/write file: <c>$REGISTRY_AUTH_FILE</c>, <c>$XDG_RUNTIME_DIR/containers/auth.json</c> or <c>/run/containers/UID/auth.json</c>.</summary>
    public string PrimaryAuthFile =>
        Environment.RegistryAuthFile
        ?? (Environment.XdgRuntimeDir is { } runtime
            ? Path.Combine(runtime, "containers", "auth.json")
            : string.Create(CultureInfo.InvariantCulture, $"/run/containers/{Environment.UserId}/auth.json"));

    /// <summary>The files read, in order (missing ones are passed over).</summary>
    public IReadOnlyList<AuthFileSource> Sources
    {
        get
        {
            var sources = new List<AuthFileSource> { new(PrimaryAuthFile) };
            var configHome = Environment.XdgConfigHome ?? (Environment.Home is { } userHome ? Path.Combine(userHome, ".config") : null);
            if (configHome is not null)
                sources.Add(new AuthFileSource(Path.Combine(configHome, "containers", "auth.json")));
            if (Environment.DockerConfig is { } dockerConfig)
                sources.Add(new AuthFileSource(Path.Combine(dockerConfig, "config.json")));
            else if (Environment.Home is { } home)
                sources.Add(new AuthFileSource(Path.Combine(home, ".docker", "config.json")));
            if (Environment.Home is { } legacyHome)
                sources.Add(new AuthFileSource(Path.Combine(legacyHome, ".dockercfg"), Legacy: true));
            return sources.DistinctBy(s => Path.GetFullPath(s.Path)).ToList();
        }
    }

    /// <summary>The credential for a registry host (any of Hub's names means Hub).</summary>
    public ValueTask<RegistryCredential?> GetAsync(string registryHost, CancellationToken ct) => GetAsync(registryHost, null, ct);

    /// <summary>The credential for a repository (<c>namespace/name</c>) on a host: repository-scoped keys win over the host's.</summary>
    public async ValueTask<RegistryCredential?> GetAsync(string registryHost, string? repository, CancellationToken ct) =>
        (await FindAsync(registryHost, repository, ct))?.Credential;

    /// <summary>The credential and where it was found, or null.</summary>
    public async ValueTask<CredentialLookup?> FindAsync(string registryHost, string? repository, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(registryHost);
        var host = AuthKeys.NormalizeHost(registryHost);
        var keys = AuthKeys.LookupOrder(host, repository);
        foreach (var source in Sources)
        {
            ct.ThrowIfCancellationRequested();
            if (AuthFile.TryLoad(source) is not { } file)
                continue;
            if (file.HelperFor(host) is { } helperName)
            {
                var helper = new CredentialHelper(helperName, Environment);
                foreach (var url in HelperUrls(host))
                {
                    if (await helper.GetAsync(url, ct) is { } fromHelper)
                        return new CredentialLookup(fromHelper, $"{helper.Program} (configured in {file.Path})");
                }
                continue;
            }
            if (file.Find(keys) is { } found)
                return new CredentialLookup(found, file.Path);
        }
        return null;
    }

    /// <summary>
    /// Stores a credential for a registry (<c>HOST</c> or <c>HOST/namespace[/repo]</c>) in the primary file, or through
    /// the helper that file names for the host. Returns where it went.
    /// </summary>
    public async Task<string> StoreAsync(string registry, RegistryCredential credential, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var key = AuthKeys.ParseRegistry(registry);
        var host = AuthKeys.HostOf(key);
        var file = AuthFile.LoadForWrite(WritablePrimaryFile());
        if (file.HelperFor(host) is { } helperName)
        {
            if (key != host)
                throw new CredentialException($"{file.Path} names a credential helper for {host}: it stores credentials per host, not for {key}");
            var helper = new CredentialHelper(helperName, Environment);
            await helper.StoreAsync(AuthKeys.HelperServerUrl(host), credential, ct);
            return $"{helper.Program} (configured in {file.Path})";
        }
        file.Set(key, credential);
        await file.SaveAsync(ct);
        return file.Path;
    }

    /// <summary>
    /// Removes the credential of a registry (exactly that key: a host's logout leaves repository-scoped entries) from the
    /// primary file, and through its helper if the file names one. False when there was none.
    /// </summary>
    public async Task<bool> EraseAsync(string registry, CancellationToken ct)
    {
        var key = AuthKeys.ParseRegistry(registry);
        var host = AuthKeys.HostOf(key);
        var path = WritablePrimaryFile();
        if (AuthFile.TryLoad(new AuthFileSource(path)) is not { } file)
            return false;
        var erased = false;
        if (key == host && file.HelperFor(host) is { } helperName)
        {
            var helper = new CredentialHelper(helperName, Environment);
            foreach (var url in HelperUrls(host))
                erased |= await helper.EraseAsync(url, ct);
        }
        if (file.Remove(key))
        {
            erased = true;
            await file.SaveAsync(ct);
        }
        return erased;
    }

    /// <summary>
    /// Removes every credential of the primary file: its <c>auths</c> are emptied (other fields kept), and each helper in
    /// <c>credHelpers</c> (and <c>credsStore</c>, for the hosts listed in <c>auths</c>) erases its host's credential.
    /// </summary>
    public async Task EraseAllAsync(CancellationToken ct)
    {
        var path = WritablePrimaryFile();
        if (AuthFile.TryLoad(new AuthFileSource(path)) is not { } file)
            return;
        foreach (var (host, helperName) in file.HelperEntries())
        {
            var helper = new CredentialHelper(helperName, Environment);
            foreach (var url in HelperUrls(host))
                await helper.EraseAsync(url, ct);
        }
        if (file.CredsStore is { } store)
        {
            var helper = new CredentialHelper(store, Environment);
            foreach (var key in file.Keys().Where(k => !k.Contains('/', StringComparison.Ordinal)))
            {
                foreach (var url in HelperUrls(key))
                    await helper.EraseAsync(url, ct);
            }
        }
        file.RemoveAll();
        await file.SaveAsync(ct);
    }

    /// <summary>Docker's server URL first; for Hub also <c>docker.io</c>, the name podman gives helpers.</summary>
    private static IEnumerable<string> HelperUrls(string host)
    {
        var url = AuthKeys.HelperServerUrl(host);
        yield return url;
        if (url != host)
            yield return host;
    }

    private string WritablePrimaryFile()
    {
        if (Environment.RegistryAuthFile is null && Environment.XdgRuntimeDir is { } runtime && !Directory.Exists(runtime))
            throw new CredentialException($"$XDG_RUNTIME_DIR ({runtime}) does not exist: create it, unset XDG_RUNTIME_DIR, or use --authfile");
        return PrimaryAuthFile;
    }
}
