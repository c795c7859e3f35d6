namespace Distill.Analysis.Inventory;

/// <summary>
/// The distribution an image says it is (<see href="https://www.freedesktop.org/software/systemd/man/latest/os-release.html">os-release(5)</see>):
/// <c>ID</c> names the purl vendor (<c>debian</c>, <c>ubuntu</c>, <c>alpine</c>), <c>ID-VERSION_ID</c> the distro qualifier.
/// </summary>
public sealed record OsRelease(string? Id, string? VersionId, string? PrettyName)
{
    /// <summary>Where os-release(5) says to look, in order.</summary>
    public static IReadOnlyList<string> Paths { get; } = ["/etc/os-release", "/usr/lib/os-release"];

    /// <summary><c>debian-12</c>, <c>alpine-3.20.3</c>; null without an ID.</summary>
    public string? Distro => Id is null ? null : VersionId is null ? Id : $"{Id}-{VersionId}";

    /// <summary>Shell-style <c>KEY=VALUE</c> lines, values optionally quoted; comments and other lines ignored.</summary>
    public static OsRelease Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (line.StartsWith('#') || eq <= 0)
                continue;
            var value = line[(eq + 1)..];
            if (value.Length >= 2 && value[0] is '"' or '\'' && value[^1] == value[0])
                value = value[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
            values[line[..eq]] = value;
        }
        return new OsRelease(Lower(values.GetValueOrDefault("ID")), Empty(values.GetValueOrDefault("VERSION_ID")), Empty(values.GetValueOrDefault("PRETTY_NAME")));
    }

    private static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string? Lower(string? value) => Empty(value)?.ToLowerInvariant();
}
