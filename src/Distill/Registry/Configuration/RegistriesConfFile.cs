using Tomlyn.Model;

namespace Distill.Registry.Configuration;

/// <summary>What one registries.conf file (main or drop-in) says, before files are merged.</summary>
internal sealed class RegistriesConfFile
{
    public required string Path { get; init; }

    /// <summary>Null when the file does not set it (a drop-in then leaves the earlier value).</summary>
    public IReadOnlyList<string>? UnqualifiedSearchRegistries { get; init; }

    public ShortNameMode? ShortNameMode { get; init; }

    /// <summary>Short name to fully-qualified name; an empty value erases an earlier alias.</summary>
    public IReadOnlyDictionary<string, string> Aliases { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<RegistryRule> Registries { get; init; } = [];

    public static RegistriesConfFile Parse(string text, string path, bool dropIn)
    {
        var doc = TomlConfigDocument.Parse(text, path);
        var root = doc.Root;

        var search = doc.GetStrings(root, "unqualified-search-registries", "unqualified-search-registries");
        var mode = ParseShortNameMode(doc, root);
        var aliases = ParseAliases(doc, root);
        var registries = doc.GetTables(root, "registry", "[[registry]]");
        var v1 = ParseV1(doc, root);

        var hasV2 = registries.Count > 0 || search is { Count: > 0 } || mode is not null || aliases.Count > 0;
        if (v1 is not null)
        {
            var line = doc.LineOf(root, "registries") ?? doc.LineOfTable(doc.GetTable(root, "registries", "registries")!);
            if (hasV2)
                throw new RegistryConfigurationException(path, line, "mixing the version 1 format ([registries.search], [registries.insecure], [registries.block]) with the version 2 format is not supported");
            if (dropIn)
                throw new RegistryConfigurationException(path, line, "drop-in files must use the version 2 format ([[registry]]), not [registries.*]");
            return new RegistriesConfFile { Path = path, UnqualifiedSearchRegistries = v1.Value.Search, Registries = v1.Value.Rules };
        }

        if (search is not null)
            foreach (var host in search)
                if (!RegistryPrefix.IsHost(host))
                    throw doc.Error(root, "unqualified-search-registries", $"unqualified-search-registries: \"{host}\" is not a host[:port]");

        var rules = new List<RegistryRule>(registries.Count);
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < registries.Count; i++)
        {
            var rule = ParseRegistry(doc, registries[i], $"[[registry]] #{i + 1}");
            if (seen.TryGetValue(rule.Prefix, out var first))
                throw doc.Error(registries[i], "prefix", $"[[registry]] #{i + 1}: prefix \"{rule.Prefix}\" is already defined at {first}");
            seen[rule.Prefix] = rule.Source ?? path;
            rules.Add(rule);
        }
        return new RegistriesConfFile { Path = path, UnqualifiedSearchRegistries = search, ShortNameMode = mode, Aliases = aliases, Registries = rules };
    }

    private static RegistryRule ParseRegistry(TomlConfigDocument doc, TomlTable table, string what)
    {
        var prefix = doc.GetString(table, "prefix", what);
        var location = doc.GetString(table, "location", what);
        var insecure = doc.GetBool(table, "insecure", what) ?? false;
        var blocked = doc.GetBool(table, "blocked", what) ?? false;
        var byDigestOnly = doc.GetBool(table, "mirror-by-digest-only", what) ?? false;

        if (string.IsNullOrEmpty(prefix))
        {
            if (string.IsNullOrEmpty(location))
                throw doc.Error(table, "location", $"{what}: neither prefix nor location is set");
            if (RegistryPrefix.ValidateLocation(ref location) is { } problem)
                throw doc.Error(table, "location", $"{what}: invalid location \"{location}\": {problem}");
            prefix = location;
        }
        else
        {
            var written = prefix;
            if (RegistryPrefix.ValidatePrefix(ref prefix) is { } problem)
                throw doc.Error(table, "prefix", $"{what}: invalid prefix \"{written}\": {problem}");
            if (string.IsNullOrEmpty(location))
                location = prefix.StartsWith("*.", StringComparison.Ordinal) ? "" : RegistryPrefix.WithoutTagOrDigest(prefix);
            else if (RegistryPrefix.ValidateLocation(ref location) is { } locationProblem)
                throw doc.Error(table, "location", $"{what}: invalid location \"{location}\": {locationProblem}");
        }

        what = $"[[registry]] prefix \"{prefix}\"";
        var mirrorTables = doc.GetTables(table, "mirror", what);
        var mirrors = new List<RegistryMirror>(mirrorTables.Count);
        for (var i = 0; i < mirrorTables.Count; i++)
        {
            var m = mirrorTables[i];
            var mirrorWhat = $"{what}, mirror #{i + 1}";
            var mirrorLocation = doc.GetString(m, "location", mirrorWhat);
            if (string.IsNullOrEmpty(mirrorLocation))
                throw doc.Error(m, "location", $"{mirrorWhat}: location must be set");
            if (RegistryPrefix.ValidateLocation(ref mirrorLocation) is { } problem)
                throw doc.Error(m, "location", $"{mirrorWhat}: invalid location \"{mirrorLocation}\": {problem}");
            var pull = doc.GetString(m, "pull-from-mirror", mirrorWhat) ?? "";
            var mode = pull switch
            {
                "" or "all" => PullFromMirror.All,
                "digest-only" => PullFromMirror.DigestOnly,
                "tag-only" => PullFromMirror.TagOnly,
                _ => throw doc.Error(m, "pull-from-mirror", $"{mirrorWhat}: pull-from-mirror must be \"all\", \"digest-only\" or \"tag-only\", not \"{pull}\""),
            };
            if (byDigestOnly && pull.Length > 0)
                throw doc.Error(m, "pull-from-mirror", $"{mirrorWhat}: pull-from-mirror cannot be set when mirror-by-digest-only is true");
            mirrors.Add(new RegistryMirror(mirrorLocation, doc.GetBool(m, "insecure", mirrorWhat) ?? false, mode));
        }

        return new RegistryRule
        {
            Prefix = prefix,
            Location = location ?? "",
            Insecure = insecure,
            Blocked = blocked,
            MirrorByDigestOnly = byDigestOnly,
            Mirrors = mirrors,
            Source = doc.Where(table),
        };
    }

    private static ShortNameMode? ParseShortNameMode(TomlConfigDocument doc, TomlTable root) =>
        doc.GetString(root, "short-name-mode", "short-name-mode") switch
        {
            null or "" => null,
            "enforcing" => Configuration.ShortNameMode.Enforcing,
            "permissive" => Configuration.ShortNameMode.Permissive,
            "disabled" => Configuration.ShortNameMode.Disabled,
            var other => throw doc.Error(root, "short-name-mode", $"short-name-mode must be \"enforcing\", \"permissive\" or \"disabled\", not \"{other}\""),
        };

    private static Dictionary<string, string> ParseAliases(TomlConfigDocument doc, TomlTable root)
    {
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        if (doc.GetTable(root, "aliases", "aliases") is not { } table)
            return aliases;
        foreach (var name in table.Keys)
        {
            var value = doc.GetString(table, name, "[aliases]")!;
            if (name.Contains('@', StringComparison.Ordinal) || name.Contains(':', StringComparison.Ordinal))
                throw doc.Error(table, name, $"[aliases]: \"{name}\" must be a short name without tag or digest");
            if (value.Length > 0 && (value.Contains('@', StringComparison.Ordinal) || RegistryPrefix.WithoutTagOrDigest(value) != value || !value.Contains('/', StringComparison.Ordinal)))
                throw doc.Error(table, name, $"[aliases]: \"{name}\" must map to a fully-qualified name without tag or digest, not \"{value}\"");
            aliases[name] = value;
        }
        return aliases;
    }

    private static (IReadOnlyList<string>? Search, IReadOnlyList<RegistryRule> Rules)? ParseV1(TomlConfigDocument doc, TomlTable root)
    {
        if (doc.GetTable(root, "registries", "registries") is not { } v1)
            return null;
        IReadOnlyList<string>? List(string section)
        {
            var table = doc.GetTable(v1, section, "registries");
            return table is null ? null : doc.GetStrings(table, "registries", $"[registries.{section}]");
        }
        var search = List("search");
        var insecure = List("insecure") ?? [];
        var block = List("block") ?? [];
        if (search is not { Count: > 0 } && insecure.Count == 0 && block.Count == 0)
            return null;

        foreach (var host in search ?? [])
            if (!RegistryPrefix.IsHost(host))
                throw doc.Error(doc.GetTable(v1, "search", "registries")!, "registries", $"[registries.search]: \"{host}\" is not a host[:port]");
        var rules = new List<RegistryRule>();
        void Add(string section, string value, bool isInsecure, bool isBlocked)
        {
            var location = value;
            if (RegistryPrefix.ValidateLocation(ref location) is { } problem)
                throw doc.Error(doc.GetTable(v1, section, "registries")!, "registries", $"[registries.{section}]: invalid registry \"{value}\": {problem}");
            var index = rules.FindIndex(r => r.Prefix == location);
            if (index < 0)
            {
                rules.Add(new RegistryRule { Prefix = location, Location = location, Source = doc.Path });
                index = rules.Count - 1;
            }
            rules[index] = rules[index] with { Insecure = rules[index].Insecure || isInsecure, Blocked = rules[index].Blocked || isBlocked };
        }
        foreach (var value in insecure)
            Add("insecure", value, true, false);
        foreach (var value in block)
            Add("block", value, false, true);
        return (search, rules);
    }
}
