using System.Globalization;
using System.Text;

namespace Distill.Dockerfile;

/// <summary>The canonical dump of parsed nodes (BuildKit's <c>Node.Dump</c>), used to compare with the conformance data.</summary>
public static class NodeDump
{
    public static string Dump(ParseResult result)
    {
        var sb = new StringBuilder();
        foreach (var node in result.Instructions)
            sb.Append('(').Append(Dump(node)).Append(")\n");
        return sb.ToString();
    }

    public static string Dump(Node node)
    {
        var sb = new StringBuilder(node.Value.ToLowerInvariant());
        if (node.Flags.Count > 0)
            sb.Append(" [").Append(string.Join(' ', node.Flags.Select(GoQuote))).Append(']');
        foreach (var child in node.Children)
            sb.Append('(').Append(Dump(child)).Append(")\n");
        for (var n = node.Next; n is not null; n = n.Next)
            sb.Append(' ').Append(n.Children.Count > 0 ? Dump(n) : GoQuote(n.Value));
        return sb.ToString().Trim();
    }

    /// <summary>A string quoted as Go's <c>strconv.Quote</c> does: printable runes as they are, others escaped.</summary>
    public static string GoQuote(string value)
    {
        var sb = new StringBuilder("\"");
        foreach (var rune in value.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\a': sb.Append("\\a"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\v': sb.Append("\\v"); break;
                default:
                    if (IsPrint(rune))
                        sb.Append(rune.ToString());
                    else if (rune.Value < 0x80)
                        sb.Append(CultureInfo.InvariantCulture, $"\\x{rune.Value:x2}");
                    else if (rune.Value < 0x10000)
                        sb.Append(CultureInfo.InvariantCulture, $"\\u{rune.Value:x4}");
                    else
                        sb.Append(CultureInfo.InvariantCulture, $"\\U{rune.Value:x8}");
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    private static bool IsPrint(Rune rune)
    {
        if (rune.Value == ' ')
            return true;
        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                or UnicodeCategory.SpaceSeparator => false,
            _ => true,
        };
    }
}
