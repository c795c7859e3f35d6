using System.Text.Json;

namespace Distill.Dockerfile;

/// <summary>
/// How each instruction's arguments are cut into nodes — BuildKit's table: exec-or-shell form, name=value
/// pairs, whitespace lists, single strings, HEALTHCHECK and ONBUILD.
/// </summary>
internal static class LineParsers
{
    /// <summary>Thrown for argument errors; the parser adds the location.</summary>
    public sealed class ArgumentError(string message) : Exception(message);

    public sealed record Parsed(Node? Next, bool IsJson, IReadOnlyList<Node>? Children = null);

    public static Parsed Parse(string keyword, string rest, char escape, Func<string, Node> parseSubLine) => keyword.ToLowerInvariant() switch
    {
        "add" or "copy" or "volume" => MaybeJsonToList(rest),
        "arg" => NameOrNameValue(rest, escape),
        "cmd" or "entrypoint" or "run" or "shell" => MaybeJson(rest),
        "env" => NameValue(rest, "ENV", escape),
        "label" => NameValue(rest, "LABEL", escape),
        "expose" or "from" => WhitespaceList(rest),
        "healthcheck" => HealthCheck(rest),
        "maintainer" or "stopsignal" or "user" or "workdir" => SingleString(rest),
        "onbuild" => rest.Length == 0 ? new Parsed(null, false) : new Parsed(new Node { Children = [parseSubLine(rest)] }, false),
        _ => new Parsed(null, false), // unknown instructions are reported when instructions are typed
    };

    private static Parsed SingleString(string rest) => new(rest.Length == 0 ? null : new Node { Value = rest }, false);

    public static Parsed WhitespaceList(string rest)
    {
        var parts = rest.Split([' ', '\t', '\v', '\f', '\r'], StringSplitOptions.RemoveEmptyEntries);
        return new Parsed(Chain(parts), false);
    }

    private static Parsed NameOrNameValue(string rest, char escape) => new(Chain(LineWords.ParseWords(rest, escape)), false);

    private static Parsed NameValue(string rest, string keyword, char escape)
    {
        var words = LineWords.ParseWords(rest, escape);
        if (words.Count == 0)
            return new Parsed(null, false);
        if (!words[0].Contains('=', StringComparison.Ordinal))
        {
            // legacy form: KEY name value
            var split = LineWords.IndexOfWhitespace(rest);
            if (split < 0)
                throw new ArgumentError($"{keyword} must have two arguments");
            return new Parsed(Chain([rest[..split], rest[split..].TrimStart(' ', '\t', '\v', '\f', '\r'), ""]), false);
        }
        var values = new List<string>();
        foreach (var word in words)
        {
            var eq = word.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
                throw new ArgumentError($"Syntax error - can't find = in \"{word}\". Must be of the form: name=value");
            values.AddRange([word[..eq], word[(eq + 1)..], "="]);
        }
        return new Parsed(Chain(values), false);
    }

    private static Parsed HealthCheck(string rest)
    {
        var sep = 0;
        while (sep < rest.Length && !char.IsWhiteSpace(rest[sep]))
            sep++;
        var next = sep;
        while (next < rest.Length && char.IsWhiteSpace(rest[next]))
            next++;
        if (sep == 0)
            return new Parsed(null, false);
        var command = MaybeJson(rest[next..]);
        return new Parsed(new Node { Value = rest[..sep], Next = command.Next }, command.IsJson);
    }

    public static Parsed MaybeJson(string rest)
    {
        if (rest.Length == 0)
            return new Parsed(null, false);
        return TryJson(rest) ?? new Parsed(new Node { Value = rest }, false);
    }

    private static Parsed MaybeJsonToList(string rest) => TryJson(rest) ?? WhitespaceList(rest);

    /// <summary>The exec form, or null when the text is not a JSON array (then it is shell form). A JSON array of non-strings is an error.</summary>
    private static Parsed? TryJson(string rest)
    {
        var text = rest.TrimStart();
        if (!text.StartsWith('['))
            return null;
        List<string> values;
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
                return null;
            values = [];
            foreach (var element in document.RootElement.EnumerateArray())
            {
                if (element.ValueKind != JsonValueKind.String)
                    throw new ArgumentError("dockerfile: JSON arrays must contain only strings");
                values.Add(element.GetString()!);
            }
        }
        catch (JsonException)
        {
            return null;
        }
        return new Parsed(Chain(values), true);
    }

    private static Node? Chain(IEnumerable<string> values)
    {
        Node? first = null, last = null;
        foreach (var value in values)
        {
            var node = new Node { Value = value };
            if (last is null)
                first = node;
            else
                last.Next = node;
            last = node;
        }
        return first;
    }
}
