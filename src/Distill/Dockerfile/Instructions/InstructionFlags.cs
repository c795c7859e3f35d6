namespace Distill.Dockerfile;

/// <summary>
/// The <c>--flag[=value]</c> words of one instruction, checked against the flags it accepts
/// (BuildKit's BFlags): an unknown or repeated flag is an error naming the flag.
/// </summary>
internal sealed class InstructionFlags
{
    private readonly Dictionary<string, List<string?>> _values = new(StringComparer.Ordinal);

    private InstructionFlags() { }

    public static InstructionFlags Parse(Node node, string keyword, IReadOnlySet<string> allowed, IReadOnlySet<string>? repeatable = null)
    {
        var flags = new InstructionFlags();
        foreach (var word in node.Flags)
        {
            if (!word.StartsWith("--", StringComparison.Ordinal))
                throw new FormatException($"invalid flag \"{word}\"");
            var eq = word.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? word[2..] : word[2..eq];
            var value = eq < 0 ? null : word[(eq + 1)..];
            if (!allowed.Contains(name))
                throw new FormatException($"unknown flag: --{name} (for {keyword}; allowed: {(allowed.Count == 0 ? "none" : string.Join(", ", allowed.Order().Select(a => "--" + a)))})");
            if (!flags._values.TryGetValue(name, out var list))
                flags._values[name] = list = [];
            else if (repeatable is null || !repeatable.Contains(name))
                throw new FormatException($"duplicate flag specified: --{name}");
            list.Add(value);
        }
        return flags;
    }

    public string? String(string name)
    {
        if (!_values.TryGetValue(name, out var list))
            return null;
        return list[0] ?? throw new FormatException($"missing a value on flag: --{name}");
    }

    public IReadOnlyList<string> Strings(string name) =>
        _values.TryGetValue(name, out var list) ? list.Select(v => v ?? throw new FormatException($"missing a value on flag: --{name}")).ToList() : [];

    public bool Bool(string name) => BoolOrNull(name) ?? false;

    public bool? BoolOrNull(string name)
    {
        if (!_values.TryGetValue(name, out var list))
            return null;
        return list[0]?.ToLowerInvariant() switch
        {
            null or "" or "true" => true,
            "false" => false,
            var v => throw new FormatException($"expecting boolean value for flag --{name}, not: {v}"),
        };
    }
}
