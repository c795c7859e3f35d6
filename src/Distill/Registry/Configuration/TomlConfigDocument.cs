using Tomlyn;
using Tomlyn.Model;
using Tomlyn.Parsing;
using Tomlyn.Serialization;
using Tomlyn.Syntax;

namespace Distill.Registry.Configuration;

/// <summary>
/// A TOML file read into Tomlyn's model, remembering where each key was written so that a bad value can be reported
/// with its line. Typed getters throw <see cref="RegistryConfigurationException"/>.
/// </summary>
internal sealed class TomlConfigDocument
{
    private readonly TomlMetadataStore _metadata;

    private TomlConfigDocument(string path, TomlTable root, TomlMetadataStore metadata)
    {
        Path = path;
        Root = root;
        _metadata = metadata;
    }

    public string Path { get; }
    public TomlTable Root { get; }

    public static TomlConfigDocument Parse(string text, string path)
    {
        // The syntax pass validates the document (duplicate keys and tables included), with positions.
        var syntax = SyntaxParser.Parse(text, path, validate: true);
        if (syntax.HasErrors)
        {
            var error = syntax.Diagnostics.First(d => d.Kind == DiagnosticMessageKind.Error);
            throw new RegistryConfigurationException(path, error.Span.Start.Line + 1, "invalid TOML: " + FirstLine(error.Message));
        }
        var metadata = new TomlMetadataStore();
        var options = new TomlSerializerOptions { SourceName = path, MetadataStore = metadata };
        try
        {
            var root = TomlSerializer.Deserialize(text, new RegistriesTomlContext(options).TomlTable) ?? new TomlTable();
            return new TomlConfigDocument(path, root, metadata);
        }
        catch (TomlException e)
        {
            throw new RegistryConfigurationException(path, e.Line, "invalid TOML: " + FirstLine(e.Message));
        }
    }

    /// <summary>1-based line of <paramref name="key"/> in <paramref name="table"/>, when known.</summary>
    public int? LineOf(TomlTable table, string key) =>
        _metadata.TryGetProperties(table, out var properties) && properties is not null && properties.TryGetProperty(key, out var property) && property is not null
            ? property.Span.Start.Line + 1
            : null;

    /// <summary>1-based line of the first key of <paramref name="table"/> (a table's own header is not kept).</summary>
    public int? LineOfTable(TomlTable table) => table.Keys.Select(k => LineOf(table, k)).Where(l => l is not null).Min();

    public string Where(TomlTable table) => LineOfTable(table) is { } line ? $"{Path}:{line}" : Path;

    public RegistryConfigurationException Error(TomlTable table, string key, string problem) => new(Path, LineOf(table, key) ?? LineOfTable(table), problem);

    public string? GetString(TomlTable table, string key, string what) => table.TryGetValue(key, out var value) switch
    {
        false => null,
        true when value is string s => s,
        _ => throw Error(table, key, $"{what}: \"{key}\" must be a string, not {Describe(value)}"),
    };

    public bool? GetBool(TomlTable table, string key, string what) => table.TryGetValue(key, out var value) switch
    {
        false => null,
        true when value is bool b => b,
        _ => throw Error(table, key, $"{what}: \"{key}\" must be true or false, not {Describe(value)}"),
    };

    public IReadOnlyList<string>? GetStrings(TomlTable table, string key, string what)
    {
        if (!table.TryGetValue(key, out var value))
            return null;
        if (value is not TomlArray array)
            throw Error(table, key, $"{what}: \"{key}\" must be an array of strings, not {Describe(value)}");
        var list = new List<string>(array.Count);
        foreach (var item in array)
        {
            if (item is not string s)
                throw Error(table, key, $"{what}: \"{key}\" must be an array of strings, but has {Describe(item)}");
            list.Add(s);
        }
        return list;
    }

    public TomlTable? GetTable(TomlTable table, string key, string what) => table.TryGetValue(key, out var value) switch
    {
        false => null,
        true when value is TomlTable t => t,
        _ => throw Error(table, key, $"{what}: \"{key}\" must be a table, not {Describe(value)}"),
    };

    /// <summary><c>[[key]]</c> tables, or the same written inline as <c>key = [{...}]</c>.</summary>
    public IReadOnlyList<TomlTable> GetTables(TomlTable table, string key, string what)
    {
        if (!table.TryGetValue(key, out var value))
            return [];
        switch (value)
        {
            case TomlTableArray tables:
                return [.. tables];
            case TomlArray array when array.All(i => i is TomlTable):
                return [.. array.Cast<TomlTable>()];
            default:
                throw Error(table, key, $"{what}: \"{key}\" must be an array of tables ([[{key}]]), not {Describe(value)}");
        }
    }

    private static string Describe(object? value) => value switch
    {
        null => "nothing",
        string s => $"the string \"{s}\"",
        bool b => b ? "true" : "false",
        long or double => $"the number {Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)}",
        TomlTable => "a table",
        TomlTableArray or TomlArray => "an array",
        _ => "a " + value.GetType().Name,
    };

    private static string FirstLine(string message)
    {
        var line = message.Split('\n', 2)[0].Trim();
        // Tomlyn prefixes "FILE(LINE,COL) : error : "; the caller names file and line already.
        var marker = line.IndexOf(" : error : ", StringComparison.Ordinal);
        return marker >= 0 ? line[(marker + 11)..] : line;
    }
}
