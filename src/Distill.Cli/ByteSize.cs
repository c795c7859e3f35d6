using System.Globalization;

namespace Distill.Cli;

/// <summary>
/// Sizes as options take them: plain bytes (<c>1048576</c>), decimal units as Docker and <c>distill</c> print sizes
/// (<c>kB</c>/<c>KB</c>/<c>k</c>, <c>MB</c>/<c>M</c>, <c>GB</c>/<c>G</c>, <c>TB</c>/<c>T</c> = powers of 1000, docker's
/// <c>FromHumanSize</c>) and binary units (<c>KiB</c>, <c>MiB</c>, <c>GiB</c>, <c>TiB</c> = powers of 1024); a fraction
/// is allowed (<c>1.5GiB</c>), case is ignored.
/// </summary>
internal static class ByteSize
{
    private static readonly (string Suffix, long Factor)[] Units =
    [
        ("kib", 1L << 10), ("mib", 1L << 20), ("gib", 1L << 30), ("tib", 1L << 40),
        ("kb", 1000L), ("mb", 1000_000L), ("gb", 1000_000_000L), ("tb", 1000_000_000_000L),
        ("k", 1000L), ("m", 1000_000L), ("g", 1000_000_000L), ("t", 1000_000_000_000L),
        ("b", 1L),
    ];

    public static long Parse(string text)
    {
        var value = text.Trim().ToLowerInvariant();
        long factor = 1;
        foreach (var (suffix, f) in Units)
        {
            if (value.EndsWith(suffix, StringComparison.Ordinal))
            {
                factor = f;
                value = value[..^suffix.Length].TrimEnd();
                break;
            }
        }
        if (value.Length == 0 || !decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
            || number * factor > long.MaxValue)
            throw new FormatException($"invalid size \"{text}\": use bytes, or a number with kB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024)");
        return (long)Math.Round(number * factor, MidpointRounding.AwayFromZero);
    }
}
