namespace Distill.Analysis.Inventory;

/// <summary>
/// The module info text Go links into a binary, as <c>runtime/debug.ParseBuildInfo</c> reads it: tab-separated
/// lines <c>path</c>, <c>mod</c> (main module), <c>dep</c>, <c>=&gt;</c> (replaces the module above) and
/// <c>build KEY=VALUE</c> settings. Unknown or malformed lines are skipped: damaged input never throws.
/// </summary>
public sealed record GoModuleInfo
{
    /// <summary>The main package's import path (<c>path</c> line).</summary>
    public string? Path { get; init; }

    /// <summary>The main module (<c>mod</c> line); null for GOPATH builds and <c>go run x.go</c>.</summary>
    public GoModule? Main { get; init; }

    public IReadOnlyList<GoModule> Dependencies { get; init; } = [];

    /// <summary><c>build</c> settings in order (<c>-compiler</c>, <c>CGO_ENABLED</c>, <c>GOOS</c>, <c>vcs.revision</c>…).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Settings { get; init; } = [];

    public string? Setting(string key) => Settings.Where(s => s.Key == key).Select(s => s.Value).FirstOrDefault();

    public bool? CgoEnabled => Setting("CGO_ENABLED") is { } value ? value == "1" : null;

    public static GoModuleInfo Parse(string text)
    {
        string? path = null;
        GoModule? main = null;
        var deps = new List<GoModule>();
        var settings = new List<KeyValuePair<string, string>>();
        var last = 0; // 1: main, 2: the last dep — what a "=>" line replaces
        foreach (var line in text.Split('\n'))
        {
            var fields = line.Split('\t');
            switch (fields[0])
            {
                case "path" when fields.Length >= 2:
                    path = fields[1];
                    last = 0;
                    break;
                case "mod" when Module(fields) is { } m:
                    main = m;
                    last = 1;
                    break;
                case "dep" when Module(fields) is { } d:
                    deps.Add(d);
                    last = 2;
                    break;
                case "=>" when Module(fields) is { } replacement:
                    if (last == 1 && main is not null)
                        main = main with { Replace = replacement };
                    else if (last == 2)
                        deps[^1] = deps[^1] with { Replace = replacement };
                    last = 0;
                    break;
                case "build" when fields.Length >= 2 && ParseSetting(line["build\t".Length..]) is { } setting:
                    settings.Add(setting);
                    break;
            }
        }
        return new GoModuleInfo { Path = path, Main = main, Dependencies = deps, Settings = settings };
    }

    private static GoModule? Module(string[] fields) => fields.Length >= 3 && fields[1].Length > 0
        ? new GoModule(fields[1], fields[2], fields.Length >= 4 && fields[3].Length > 0 ? fields[3] : null)
        : null;

    /// <summary><c>KEY=VALUE</c>, where a key with spaces or quotes is written as a Go quoted string (Go 1.18+).</summary>
    private static KeyValuePair<string, string>? ParseSetting(string text)
    {
        string key;
        string rest;
        if (text.StartsWith('"'))
        {
            if (Unquote(text) is not { } quoted)
                return null;
            key = quoted.Value;
            rest = text[quoted.Length..];
        }
        else
        {
            var eq = text.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
                return null;
            key = text[..eq];
            rest = text[eq..];
        }
        if (!rest.StartsWith('='))
            return null;
        rest = rest[1..];
        var value = rest.StartsWith('"') && Unquote(rest) is { } v ? v.Value : rest;
        return new KeyValuePair<string, string>(key, value);
    }

    /// <summary>A Go double-quoted string at the start of <paramref name="text"/> (simple escapes): its value and its length in <paramref name="text"/>.</summary>
    private static (string Value, int Length)? Unquote(string text)
    {
        var value = new System.Text.StringBuilder();
        for (var i = 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"')
                return (value.ToString(), i + 1);
            if (c == '\\' && i + 1 < text.Length)
            {
                i++;
                value.Append(text[i] switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => text[i] });
                continue;
            }
            value.Append(c);
        }
        return null;
    }
}
