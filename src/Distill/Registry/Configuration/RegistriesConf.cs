using Distill.Oci;

namespace Distill.Registry.Configuration;

/// <summary>
/// registries.conf as podman, buildah and skopeo read it (containers-registries.conf(5), version 2, plus the deprecated
/// version 1 lists): search registries for short names, and per-prefix rules that block, mark insecure, relocate and
/// mirror image names. Drop-ins from <c>registries.conf.d/*.conf</c> are merged in lexical order, a later
/// <c>[[registry]]</c> replacing an earlier one with the same prefix.
/// </summary>
public sealed class RegistriesConf : IRegistryResolver
{
    public const string SystemPath = "/etc/containers/registries.conf";
    public const string EnvironmentVariable = "CONTAINERS_REGISTRIES_CONF";
    public const string DropInDirectoryName = "registries.conf.d";

    private RegistriesConf(IReadOnlyList<string> files, IReadOnlyList<string> search, ShortNameMode? mode,
        IReadOnlyDictionary<string, string> aliases, IReadOnlyList<RegistryRule> registries)
    {
        Files = files;
        UnqualifiedSearchRegistries = search;
        ShortNameModeSetting = mode;
        Aliases = aliases;
        Registries = registries;
    }

    /// <summary>No file: no search registries, no rules; every name is pulled from where it says.</summary>
    public static RegistriesConf Empty { get; } = new([], [], null, new Dictionary<string, string>(), []);

    /// <summary>The files read, in the order they were applied (main file first, then drop-ins).</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary><c>host[:port]</c> registries to try, in order, for a short name.</summary>
    public IReadOnlyList<string> UnqualifiedSearchRegistries { get; }

    /// <summary>The configured <c>short-name-mode</c>, or null when no file sets it.</summary>
    public ShortNameMode? ShortNameModeSetting { get; }

    /// <summary>The effective mode: permissive unless configured.</summary>
    public ShortNameMode ShortNameMode => ShortNameModeSetting ?? ShortNameMode.Permissive;

    /// <summary><c>[aliases]</c>: short name to fully-qualified name (no tag or digest).</summary>
    public IReadOnlyDictionary<string, string> Aliases { get; }

    /// <summary>The <c>[[registry]]</c> rules after merging (v1 lists become rules too).</summary>
    public IReadOnlyList<RegistryRule> Registries { get; }

    /// <summary>One file's content, without drop-ins. <paramref name="path"/> is used in messages.</summary>
    public static RegistriesConf Parse(string toml, string path) => Merge([RegistriesConfFile.Parse(toml, path, dropIn: false)]);

    /// <summary>
    /// Finds and reads the configuration: <paramref name="explicitPath"/> (must exist), else <c>$CONTAINERS_REGISTRIES_CONF</c>,
    /// else <c>$XDG_CONFIG_HOME</c> (or <c>$HOME/.config</c>)<c>/containers/registries.conf</c> when it exists, else
    /// <paramref name="systemPath"/>. Drop-ins come from <c>registries.conf.d</c> beside the chosen file; with the system
    /// file, the user's <c>registries.conf.d</c> is applied after the system one (containers-registries.conf.d(5)).
    /// Missing files give an empty configuration.
    /// </summary>
    /// <param name="explicitPath">A file named by the user (<c>--registries-conf</c>), or null.</param>
    /// <param name="environment">Environment lookup (tests pass their own; default: the process environment).</param>
    /// <param name="systemPath">The system-wide file (tests point it into a temporary directory).</param>
    public static RegistriesConf Load(string? explicitPath, Func<string, string?>? environment = null, string systemPath = SystemPath)
    {
        var sources = Locate(explicitPath, environment, systemPath);
        var files = new List<RegistriesConfFile>();
        if (File.Exists(sources.MainFile))
            files.Add(RegistriesConfFile.Parse(Read(sources.MainFile), sources.MainFile, dropIn: false));
        else if (explicitPath is not null)
            throw new RegistryConfigurationException(sources.MainFile, null, "no such file");
        foreach (var directory in sources.DropInDirectories)
            foreach (var dropIn in DropIns(directory))
                files.Add(RegistriesConfFile.Parse(Read(dropIn), dropIn, dropIn: true));
        return files.Count == 0 ? Empty : Merge(files);
    }

    /// <summary>Which main file and drop-in directories <see cref="Load"/> uses (they need not exist).</summary>
    public static (string MainFile, IReadOnlyList<string> DropInDirectories) Locate(string? explicitPath, Func<string, string?>? environment = null, string systemPath = SystemPath)
    {
        environment ??= Environment.GetEnvironmentVariable;
        static string Beside(string file) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file)) ?? "/", DropInDirectoryName);

        if (explicitPath is not null)
            return (explicitPath, [Beside(explicitPath)]);
        if (environment(EnvironmentVariable) is { Length: > 0 } fromEnvironment)
            return (fromEnvironment, [Beside(fromEnvironment)]);
        var userDirectory = UserConfigDirectory(environment) is { } configHome ? Path.Combine(configHome, "containers") : null;
        if (userDirectory is not null && File.Exists(Path.Combine(userDirectory, "registries.conf")))
            return (Path.Combine(userDirectory, "registries.conf"), [Path.Combine(userDirectory, DropInDirectoryName)]);
        return userDirectory is null
            ? (systemPath, [Beside(systemPath)])
            : (systemPath, [Beside(systemPath), Path.Combine(userDirectory, DropInDirectoryName)]);
    }

    /// <summary><c>$XDG_CONFIG_HOME</c>, else <c>$HOME/.config</c>, else null.</summary>
    internal static string? UserConfigDirectory(Func<string, string?> environment)
    {
        if (environment("XDG_CONFIG_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg))
            return xdg;
        return environment("HOME") is { Length: > 0 } home ? Path.Combine(home, ".config") : null;
    }

    /// <summary>The rule with the longest prefix matching <paramref name="name"/>, or null.</summary>
    public RegistryRule? FindRule(ImageName name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return FindRule(name.ToString()).Rule;
    }

    /// <summary>
    /// The places to pull <paramref name="name"/> from, in order: the rule's mirrors that apply to this kind of reference
    /// (by digest or by tag), then the primary location. Without a matching rule, the name itself.
    /// </summary>
    /// <exception cref="RegistryBlockedException">The matching rule has <c>blocked = true</c>.</exception>
    public IReadOnlyList<RegistryEndpoint> Resolve(ImageName name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var reference = name.ToString();
        var (rule, matchLength) = FindRule(reference);
        if (rule is null)
            return [new RegistryEndpoint(name.Domain, name.Repository, Insecure: false, IsMirror: false)];
        if (rule.Blocked)
            throw new RegistryBlockedException(reference, rule.Prefix, rule.Source);

        var byDigest = name.Digest is not null;
        var endpoints = new List<RegistryEndpoint>(rule.Mirrors.Count + 1);
        if (!rule.MirrorByDigestOnly || byDigest)
        {
            foreach (var mirror in rule.Mirrors)
            {
                if ((mirror.PullFromMirror == PullFromMirror.DigestOnly && !byDigest) || (mirror.PullFromMirror == PullFromMirror.TagOnly && byDigest))
                    continue;
                var (host, repository) = RegistryPrefix.Rewrite(name.Name, matchLength, mirror.Location, rule.Prefix);
                endpoints.Add(new RegistryEndpoint(host, repository, mirror.Insecure, IsMirror: true));
            }
        }
        var primary = rule.Location.Length == 0
            ? (Host: name.Domain, Repository: name.Repository)
            : RegistryPrefix.Rewrite(name.Name, matchLength, rule.Location, rule.Prefix);
        endpoints.Add(new RegistryEndpoint(primary.Host, primary.Repository, rule.Insecure, IsMirror: false));
        return endpoints;
    }

    /// <summary>
    /// Whether plain HTTP / unverified TLS is allowed for <paramref name="host"/> (<c>host[:port]</c>), e.g. for a push:
    /// the rule whose prefix is that host (or a wildcard covering it) decides.
    /// </summary>
    public bool IsInsecure(string host)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        return FindRule(host).Rule?.Insecure ?? false;
    }

    private (RegistryRule? Rule, int MatchLength) FindRule(string reference)
    {
        RegistryRule? best = null;
        var bestLength = -1;
        foreach (var rule in Registries)
        {
            var length = RegistryPrefix.MatchLength(reference, rule.Prefix);
            if (length < 0)
                continue;
            // Longest prefix wins; at equal length a plain prefix beats a wildcard.
            if (best is null || rule.Prefix.Length > best.Prefix.Length || (rule.Prefix.Length == best.Prefix.Length && best.IsWildcard && !rule.IsWildcard))
            {
                best = rule;
                bestLength = length;
            }
        }
        return (best, bestLength);
    }

    private static RegistriesConf Merge(IReadOnlyList<RegistriesConfFile> files)
    {
        IReadOnlyList<string> search = [];
        ShortNameMode? mode = null;
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        var rules = new List<RegistryRule>();
        foreach (var file in files)
        {
            if (file.UnqualifiedSearchRegistries is not null)
                search = file.UnqualifiedSearchRegistries;
            mode = file.ShortNameMode ?? mode;
            foreach (var (name, value) in file.Aliases)
            {
                if (value.Length == 0)
                    aliases.Remove(name);
                else
                    aliases[name] = value;
            }
            foreach (var rule in file.Registries)
            {
                var index = rules.FindIndex(r => r.Prefix == rule.Prefix);
                if (index >= 0)
                    rules[index] = rule;
                else
                    rules.Add(rule);
            }
        }
        return new RegistriesConf([.. files.Select(f => f.Path)], search, mode, aliases, rules);
    }

    private static IEnumerable<string> DropIns(string directory)
    {
        if (!Directory.Exists(directory))
            return [];
        try
        {
            return Directory.EnumerateFiles(directory, "*.conf", SearchOption.TopDirectoryOnly)
                .Where(f => f.EndsWith(".conf", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RegistryConfigurationException(directory, "cannot list drop-in files: " + e.Message, e);
        }
    }

    private static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RegistryConfigurationException(path, "cannot read: " + e.Message, e);
        }
    }
}
