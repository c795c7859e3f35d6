using System.Text;

namespace Distill.Tests.Build.Differential;

/// <summary>
/// A unified-style diff of two listings sorted by key (<see cref="ImageDescription.Key"/>): lines are matched by key,
/// not by a longest common subsequence, which is exact for keyed listings and linear in their length.
/// </summary>
public static class ListingDiff
{
    private const int Context = 2;
    private const int MaxChanges = 300;

    /// <summary>The diff, or null when both listings are equal.</summary>
    public static string? Unified(IReadOnlyList<string> expected, IReadOnlyList<string> actual, string expectedName, string actualName)
    {
        // (' ' | '-' | '+', line) in merged key order
        var merged = new List<(char Op, string Line)>();
        int i = 0, j = 0;
        while (i < expected.Count || j < actual.Count)
        {
            var order = i == expected.Count ? 1 : j == actual.Count ? -1
                : string.CompareOrdinal(ImageDescription.Key(expected[i]), ImageDescription.Key(actual[j]));
            if (order == 0 && expected[i] == actual[j])
            {
                merged.Add((' ', expected[i++]));
                j++;
                continue;
            }
            if (order <= 0)
                merged.Add(('-', expected[i++]));
            if (order >= 0)
                merged.Add(('+', actual[j++]));
        }
        var changes = merged.Count(m => m.Op != ' ');
        if (changes == 0)
            return null;

        var text = new StringBuilder().Append("--- ").AppendLine(expectedName).Append("+++ ").AppendLine(actualName);
        var shown = 0;
        var lastPrinted = -1;
        for (var k = 0; k < merged.Count && shown < MaxChanges; k++)
        {
            if (merged[k].Op == ' ')
                continue;
            var from = Math.Max(lastPrinted + 1, k - Context);
            if (lastPrinted < 0 || from > lastPrinted + 1)
                text.Append("@@ ").Append(ImageDescription.Key(merged[k].Line)).AppendLine(" @@");
            var end = k;
            // extend the hunk over nearby changes
            for (var next = k + 1; next < merged.Count && next <= end + 2 * Context + 1; next++)
            {
                if (merged[next].Op != ' ')
                    end = next;
            }
            var to = Math.Min(merged.Count - 1, end + Context);
            for (var p = from; p <= to; p++)
            {
                text.Append(merged[p].Op).AppendLine(merged[p].Line.Replace('\t', ' '));
                if (merged[p].Op != ' ')
                    shown++;
            }
            lastPrinted = to;
            k = to;
        }
        if (shown < changes)
            text.Append("... and ").Append(changes - shown).AppendLine(" more changed lines");
        return text.ToString();
    }

    public static void AssertSame(ImageDescription expected, ImageDescription actual, string expectedName, string actualName)
    {
        var diff = Unified(expected.Lines, actual.Lines, expectedName, actualName);
        Assert.True(diff is null, $"{actualName} differs from {expectedName} (mtimes are not compared):\n{diff}");
    }
}
