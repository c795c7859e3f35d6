using System.Globalization;
using System.Text;

namespace Distill.Cli;

/// <summary>
/// Text made safe to place on one line of a terminal: what a program's output line shows once its carriage returns,
/// escape sequences and control characters are dealt with, measured and cut in columns (wide characters take two).
/// </summary>
internal static class TerminalText
{
    private const char Escape = '\u001b';

    /// <summary>
    /// What a terminal would leave visible of <paramref name="line"/>: the text after its last carriage return (progress
    /// bars redraw that way), without escape sequences (colours, cursor moves) or other control characters, tabs
    /// expanded to the next multiple of 8 columns, line breaks turned into spaces.
    /// </summary>
    public static string Clean(string line)
    {
        var text = line.TrimEnd('\r', '\n');
        var cr = text.LastIndexOf('\r');
        if (cr >= 0)
            text = text[(cr + 1)..];
        var clean = new StringBuilder(text.Length);
        var column = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == Escape)
            {
                i = SkipEscape(text, i);
                continue;
            }
            if (c == '\t')
            {
                var spaces = 8 - (column % 8);
                clean.Append(' ', spaces);
                column += spaces;
                continue;
            }
            if (c == '\n')
            {
                clean.Append(' ');
                column++;
                continue;
            }
            if (char.IsControl(c))
                continue;
            clean.Append(c);
            column += char.IsHighSurrogate(c) ? 0 : 1;
        }
        return clean.ToString();
    }

    /// <summary>How many terminal columns <paramref name="text"/> (already <see cref="Clean"/>) takes.</summary>
    public static int Columns(string text)
    {
        var columns = 0;
        foreach (var rune in text.EnumerateRunes())
            columns += Width(rune);
        return columns;
    }

    /// <summary><paramref name="text"/> cut to at most <paramref name="columns"/> columns, never inside a character.</summary>
    public static string Fit(string text, int columns)
    {
        if (text.Length <= columns && Columns(text) <= columns)
            return text;
        var used = 0;
        var end = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            var width = Width(rune);
            if (used + width > columns)
                break;
            used += width;
            end += rune.Utf16SequenceLength;
        }
        return text[..end];
    }

    /// <summary>Skips an escape sequence starting at <paramref name="at"/>: CSI (<c>ESC [ … final</c>), OSC (<c>ESC ] … BEL or ST</c>) or a two-character one.</summary>
    private static int SkipEscape(string text, int at)
    {
        if (at + 1 >= text.Length)
            return at;
        var kind = text[at + 1];
        if (kind == '[')
        {
            var i = at + 2;
            while (i < text.Length && text[i] is < '@' or > '~')
                i++;
            return i;
        }
        if (kind == ']')
        {
            for (var i = at + 2; i < text.Length; i++)
            {
                if (text[i] == '\a')
                    return i;
                if (text[i] == Escape && i + 1 < text.Length && text[i + 1] == '\\')
                    return i + 1;
            }
            return text.Length - 1;
        }
        return at + 1;
    }

    private static int Width(Rune rune)
    {
        var category = Rune.GetUnicodeCategory(rune);
        if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format or UnicodeCategory.Control)
            return 0;
        var v = rune.Value;
        var wide = v is (>= 0x1100 and <= 0x115F) or (>= 0x2E80 and <= 0xA4CF and not 0x303F) or (>= 0xAC00 and <= 0xD7A3)
            or (>= 0xF900 and <= 0xFAFF) or (>= 0xFE30 and <= 0xFE4F) or (>= 0xFF00 and <= 0xFF60) or (>= 0xFFE0 and <= 0xFFE6)
            or (>= 0x1F300 and <= 0x1F64F) or (>= 0x1F900 and <= 0x1F9FF) or (>= 0x20000 and <= 0x3FFFD);
        return wide ? 2 : 1;
    }
}
