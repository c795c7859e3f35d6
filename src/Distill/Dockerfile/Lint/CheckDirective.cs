using System.Globalization;

namespace Distill.Dockerfile;

/// <summary>
/// The <c># check=</c> parser directive, with BuildKit's semantics: <c>skip=Rule1,Rule2</c> (or <c>all</c>) turns
/// rules off, <c>error=true</c> makes findings errors, <c>experimental=Rule</c> (or <c>all</c>) turns experimental
/// rules on; parameters are separated by <c>;</c>. Rule names are case-sensitive, as in BuildKit.
/// </summary>
public sealed record CheckDirective(IReadOnlySet<string> Skip, bool Error, IReadOnlySet<string> Experimental)
{
    public static readonly CheckDirective Default = new(new HashSet<string>(), false, new HashSet<string>());

    public bool SkipAll => Skip.Contains("all");

    /// <summary>Parses the directive's value; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static CheckDirective Parse(string value)
    {
        var skip = new HashSet<string>(StringComparer.Ordinal);
        var experimental = new HashSet<string>(StringComparer.Ordinal);
        var error = false;
        foreach (var part in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
                throw new FormatException($"invalid check directive \"{part}\": expected KEY=VALUE (skip, error or experimental)");
            var key = part[..eq].Trim().ToLowerInvariant();
            var setting = part[(eq + 1)..].Trim();
            switch (key)
            {
                case "skip":
                    skip.UnionWith(List(setting));
                    break;
                case "experimental":
                    experimental.UnionWith(List(setting));
                    break;
                case "error":
                    error = setting.ToLower(CultureInfo.InvariantCulture) switch
                    {
                        "true" or "1" => true,
                        "false" or "0" => false,
                        _ => throw new FormatException($"invalid check directive: error={setting} is not a boolean"),
                    };
                    break;
                default:
                    throw new FormatException($"invalid check directive: unknown parameter \"{key}\" (expected skip, error or experimental)");
            }
        }
        return new CheckDirective(skip, error, experimental);
    }

    private static IEnumerable<string> List(string csv) => csv.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Whether a rule runs: not skipped, and, if experimental, enabled here or by the caller.</summary>
    public bool Enables(LintRule rule, IReadOnlySet<string> alsoExperimental)
    {
        if (rule == LintRules.Syntax)
            return true;
        if (SkipAll || Skip.Contains(rule.Name))
            return false;
        if (!rule.Experimental)
            return true;
        return Experimental.Contains("all") || Experimental.Contains(rule.Name) || alsoExperimental.Contains("all") || alsoExperimental.Contains(rule.Name);
    }
}
