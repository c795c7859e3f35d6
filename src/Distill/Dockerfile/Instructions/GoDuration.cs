using System.Globalization;
using System.Text.RegularExpressions;

namespace Distill.Dockerfile;

/// <summary>Go's <c>time.ParseDuration</c> format (<c>30s</c>, <c>1m30s</c>, <c>1.5h</c>, <c>500ms</c>), as HEALTHCHECK flags use it.</summary>
public static partial class GoDuration
{
    public static bool TryParse(string value, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (value == "0")
            return true;
        var matches = Part().Matches(value);
        if (matches.Count == 0 || string.Concat(matches.Select(m => m.Value)) != value)
            return false;
        double ticks = 0;
        foreach (Match m in matches)
        {
            var number = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            ticks += number * m.Groups[2].Value switch
            {
                "ns" => 0.01,
                "us" or "µs" => 10,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                _ => TimeSpan.TicksPerHour,
            };
        }
        duration = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    [GeneratedRegex(@"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")]
    private static partial Regex Part();
}
