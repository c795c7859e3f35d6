using System.Globalization;

namespace Distill.Analysis.Compare;

/// <summary>Sizes and ratios for people, the same in the terminal, Markdown and HTML.</summary>
public static class SizeText
{
    /// <summary>Decimal units as docker prints them: <c>1.72MB</c>, <c>512B</c> (every command prints sizes this way).</summary>
    public static string Of(long bytes)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1000 && unit < units.Length - 1)
        {
            value /= 1000;
            unit++;
        }
        return unit == 0 ? $"{bytes}B" : string.Create(CultureInfo.InvariantCulture, $"{value:0.##}{units[unit]}");
    }

    /// <summary>A ratio: <c>312×</c>, <c>1.5×</c>, <c>∞</c>.</summary>
    public static string Ratio(double ratio) => double.IsInfinity(ratio) ? "∞"
        : ratio.ToString(ratio >= 10 ? "0" : "0.##", CultureInfo.InvariantCulture) + "×";
}
