namespace Distill.Analysis.Inventory;

/// <summary>
/// dpkg's database: <c>/var/lib/dpkg/status</c> (deb822 paragraphs, continuation lines start with a space or tab;
/// see <see href="https://man7.org/linux/man-pages/man5/deb822.5.html">deb822(5)</see>), and distroless's
/// <c>/var/lib/dpkg/status.d/NAME</c> files (one paragraph each, without a <c>Status</c> field).
/// </summary>
public static class DpkgDatabase
{
    public const string StatusPath = "/var/lib/dpkg/status";
    public const string StatusDirectory = "/var/lib/dpkg/status.d";

    /// <summary>True for the files this reader wants (<c>status</c> and <c>status.d/*</c> but not <c>*.md5sums</c>).</summary>
    public static bool IsDatabase(string path) =>
        path == StatusPath || (path.StartsWith(StatusDirectory + "/", StringComparison.Ordinal) && !path.EndsWith(".md5sums", StringComparison.Ordinal)
            && path.IndexOf('/', StatusDirectory.Length + 1) < 0);

    /// <summary>
    /// The installed packages in a status file: those whose <c>Status</c> says installed (or triggers pending, which
    /// are installed and configured), any want flag. A paragraph without <c>Status</c> counts as installed only in
    /// <c>status.d</c>. Paragraphs without <c>Package</c> or <c>Version</c> are reported in <paramref name="problems"/>.
    /// </summary>
    public static IReadOnlyList<InstalledPackage> Parse(string text, string location, ICollection<string> problems)
    {
        var statusD = location != StatusPath;
        var packages = new List<InstalledPackage>();
        foreach (var (line, fields) in Paragraphs(text))
        {
            var status = fields.GetValueOrDefault("Status");
            if (status is null ? !statusD : !IsInstalled(status))
                continue;
            if (fields.GetValueOrDefault("Package") is not { Length: > 0 } name || fields.GetValueOrDefault("Version") is not { Length: > 0 } version)
            {
                problems.Add($"{location}:{line}: package entry without Package or Version");
                continue;
            }
            var (sourceName, sourceVersion) = Source(fields.GetValueOrDefault("Source"));
            packages.Add(new InstalledPackage(name, version, fields.GetValueOrDefault("Architecture"), location)
            {
                SourceName = sourceName is not null && sourceName != name ? sourceName : null,
                SourceVersion = sourceVersion is not null && sourceVersion != version ? sourceVersion : null,
            });
        }
        return packages;
    }

    private static bool IsInstalled(string status)
    {
        var words = status.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words.Length == 3 && words[2] is "installed" or "triggers-pending" or "triggers-awaited";
    }

    /// <summary><c>Source: glibc (2.36-9)</c> → (glibc, 2.36-9); <c>Source: glibc</c> → (glibc, null).</summary>
    private static (string? Name, string? Version) Source(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return (null, null);
        var open = value.IndexOf('(', StringComparison.Ordinal);
        if (open < 0)
            return (value.Trim(), null);
        var close = value.IndexOf(')', open);
        return (value[..open].Trim(), (close < 0 ? value[(open + 1)..] : value[(open + 1)..close]).Trim());
    }

    /// <summary>Each paragraph's first line number and its fields (names as written; a repeated name keeps the last value).</summary>
    internal static IEnumerable<(int Line, Dictionary<string, string> Fields)> Paragraphs(string text)
    {
        Dictionary<string, string>? fields = null;
        string? current = null;
        var start = 0;
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0)
            {
                if (fields is { Count: > 0 })
                    yield return (start, fields);
                fields = null;
                current = null;
                continue;
            }
            if (line[0] is ' ' or '\t')
            {
                if (fields is not null && current is not null)
                    fields[current] += "\n" + line[1..];
                continue;
            }
            if (line[0] == '#')
                continue;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
                continue;
            if (fields is null)
            {
                fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                start = number;
            }
            current = line[..colon];
            fields[current] = line[(colon + 1)..].Trim();
        }
        if (fields is { Count: > 0 })
            yield return (start, fields);
    }
}
