namespace Distill.Dockerfile;

/// <summary>"Did you mean …?": the closest known name to a misspelt one, if it is close enough.</summary>
internal static class NameSuggestion
{
    public static string? Closest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            if (candidate == name)
                continue;
            var distance = candidate.Equals(name, StringComparison.OrdinalIgnoreCase)
                ? 0
                : Distance(name.ToUpperInvariant(), candidate.ToUpperInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        // a case difference, or at most two edits that leave at least half of the name
        return best is not null && bestDistance <= Math.Min(2, name.Length / 2) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
