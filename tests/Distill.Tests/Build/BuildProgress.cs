using System.Text.RegularExpressions;

namespace Distill.Tests.Build;

/// <summary>
/// The steps of a build as <c>--progress plain</c> prints them (BuildKit's plain format: <c>#N [stage i/n] INSTRUCTION</c>,
/// then <c>#N CACHED</c> for a step taken from the cache, or its output and <c>#N DONE …</c>).
/// </summary>
public static partial class BuildProgress
{
    public sealed record Step(string Id, string Name, bool Cached)
    {
        /// <summary>A <c>FROM</c> step resolves the base: it executes nothing, cached or not.</summary>
        public bool IsFrom => Name.Contains("] FROM ", StringComparison.Ordinal);
    }

    public static IReadOnlyList<Step> Parse(string output)
    {
        var steps = new List<(string Id, string Name)>();
        var cached = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n'))
        {
            if (Header().Match(line) is { Success: true } header && steps.All(s => s.Id != header.Groups["id"].Value))
                steps.Add((header.Groups["id"].Value, header.Groups["name"].Value.Trim()));
            else if (CachedLine().Match(line) is { Success: true } c)
                cached.Add(c.Groups["id"].Value);
        }
        return steps.Select(s => new Step(s.Id, s.Name, cached.Contains(s.Id))).ToList();
    }

    [GeneratedRegex(@"^#(?<id>\d+) (?<name>\[[^\]]*\d+/\d+\] .*)$")]
    private static partial Regex Header();

    [GeneratedRegex(@"^#(?<id>\d+) CACHED\s*$")]
    private static partial Regex CachedLine();
}
