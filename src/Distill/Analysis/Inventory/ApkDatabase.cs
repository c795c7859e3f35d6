namespace Distill.Analysis.Inventory;

/// <summary>
/// apk-tools' installed database (<c>/lib/apk/db/installed</c>,
/// <see href="https://wiki.alpinelinux.org/wiki/Apk_spec">Apk spec</see>): <c>K:value</c> lines, packages separated
/// by a blank line; <c>P</c> name, <c>V</c> version, <c>A</c> architecture, <c>o</c> origin (source package),
/// <c>L</c> licence.
/// </summary>
public static class ApkDatabase
{
    public const string InstalledPath = "/lib/apk/db/installed";

    public static IReadOnlyList<InstalledPackage> Parse(string text, string location, ICollection<string> problems)
    {
        var packages = new List<InstalledPackage>();
        Dictionary<char, string>? fields = null;
        var start = 0;
        var number = 0;
        void Flush()
        {
            if (fields is null)
                return;
            if (fields.GetValueOrDefault('P') is { Length: > 0 } name && fields.GetValueOrDefault('V') is { Length: > 0 } version)
            {
                var origin = fields.GetValueOrDefault('o');
                var license = fields.GetValueOrDefault('L');
                packages.Add(new InstalledPackage(name, version, fields.GetValueOrDefault('A'), location)
                {
                    SourceName = string.IsNullOrEmpty(origin) || origin == name ? null : origin,
                    Licenses = string.IsNullOrWhiteSpace(license) ? [] : [license.Trim()],
                });
            }
            else
                problems.Add($"{location}:{start}: package entry without P: or V:");
            fields = null;
        }
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                Flush();
                continue;
            }
            if (line.Length < 2 || line[1] != ':')
                continue;
            if (fields is null)
            {
                fields = [];
                start = number;
            }
            fields.TryAdd(line[0], line[2..]); // F:/R:/Z: repeat per file; the package fields come once, first
        }
        Flush();
        return packages;
    }
}
