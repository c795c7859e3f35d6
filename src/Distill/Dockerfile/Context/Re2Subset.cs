using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Distill.Dockerfile;

/// <summary>
/// Turns the Go (RE2) regular expression Docker builds from a <c>.dockerignore</c> pattern into a .NET one with the
/// same meaning. Docker copies most pattern characters into its regexp untouched, so a pattern's <c>\d</c>, <c>[[:digit:]]</c>
/// or <c>\b</c> keep their regexp meaning there; this keeps them too (ASCII classes, as in RE2) and reports what RE2 rejects.
/// The few RE2 forms with no simple .NET twin (<c>\p</c>, <c>\Q</c>, negated Perl classes inside brackets) are refused.
/// </summary>
internal static class Re2Subset
{
    private const string AnyRuneButSlash = @"(?:[\uD800-\uDBFF][\uDC00-\uDFFF]|[^/])";

    /// <summary>The .NET regex; throws <see cref="FormatException"/> with the reason when RE2 (or this port) rejects it.</summary>
    public static Regex ToRegex(string re2)
    {
        var net = new StringBuilder(re2.Length + 16);
        for (var i = 0; i < re2.Length;)
        {
            var c = re2[i];
            switch (c)
            {
                case '\\':
                    i++;
                    net.Append(Escape(re2, ref i, inClass: false));
                    break;
                case '[':
                    if (string.CompareOrdinal(re2, i, "[^/]", 0, 4) == 0)
                    {
                        // one character but a slash: in RE2 one rune, so a surrogate pair counts as one
                        net.Append(AnyRuneButSlash);
                        i += 4;
                    }
                    else
                    {
                        Class(re2, ref i, net);
                    }
                    break;
                case '$':
                    net.Append(@"\z"); // RE2's $ without the m flag is the very end; .NET's would allow a final \n
                    i++;
                    break;
                case ']':
                    net.Append(@"\]");
                    i++;
                    break;
                default:
                    net.Append(c);
                    i++;
                    break;
            }
        }
        try
        {
            return new Regex(net.ToString(), RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"invalid pattern: {e.Message}", e);
        }
    }

    private static void Class(string re2, ref int i, StringBuilder net)
    {
        i++; // [
        net.Append('[');
        if (i < re2.Length && re2[i] == '^')
        {
            net.Append('^');
            i++;
        }
        var first = true;
        while (true)
        {
            if (i >= re2.Length)
                throw new FormatException("invalid pattern: missing closing ]");
            var c = re2[i];
            if (c == ']' && !first)
            {
                net.Append(']');
                i++;
                return;
            }
            first = false;
            if (c == '[' && i + 1 < re2.Length && re2[i + 1] == ':')
            {
                var end = re2.IndexOf(":]", i + 2, StringComparison.Ordinal);
                if (end >= 0)
                {
                    net.Append(PosixClass(re2[(i + 2)..end]));
                    i = end + 2;
                    continue;
                }
            }
            switch (c)
            {
                case '\\':
                    i++;
                    net.Append(Escape(re2, ref i, inClass: true));
                    break;
                case '[' or ']' or '^':
                    net.Append('\\').Append(c);
                    i++;
                    break;
                default:
                    net.Append(c);
                    i++;
                    break;
            }
        }
    }

    private static string PosixClass(string name) => name switch
    {
        "alnum" => "0-9A-Za-z",
        "alpha" => "A-Za-z",
        "ascii" => @"\x00-\x7F",
        "blank" => @"\t ",
        "cntrl" => @"\x00-\x1F\x7F",
        "digit" => "0-9",
        "graph" => @"!-~",
        "lower" => "a-z",
        "print" => @" -~",
        "punct" => @"!-/:-@\[-`{-~",
        "space" => @"\t\n\v\f\r ",
        "upper" => "A-Z",
        "word" => "0-9A-Za-z_",
        "xdigit" => "0-9A-Fa-f",
        _ when name.StartsWith('^') => throw new FormatException($"negated class [:{name}:] is not supported"),
        _ => throw new FormatException($"invalid pattern: invalid character class range [:{name}:]"),
    };

    /// <summary>What follows a backslash (at <paramref name="i"/>), as RE2 reads it.</summary>
    private static string Escape(string re2, ref int i, bool inClass)
    {
        if (i >= re2.Length)
            throw new FormatException("invalid pattern: trailing backslash");
        var c = re2[i++];
        if (c >= 0x80)
            throw new FormatException($"invalid pattern: invalid escape sequence \\{c}");
        if (!char.IsAsciiLetterOrDigit(c))
            return Rune(c); // punctuation stands for itself
        switch (c)
        {
            case 'a':
                return @"\a";
            case 'f':
                return @"\f";
            case 'n':
                return @"\n";
            case 'r':
                return @"\r";
            case 't':
                return @"\t";
            case 'v':
                return @"\v";
            case 'd':
                return inClass ? "0-9" : "[0-9]";
            case 's':
                return inClass ? @"\t\n\f\r " : @"[\t\n\f\r ]";
            case 'w':
                return inClass ? "0-9A-Za-z_" : "[0-9A-Za-z_]";
            case 'D' or 'S' or 'W' when inClass:
                throw new FormatException($"\\{c} inside a [class] is not supported");
            case 'D':
                return "[^0-9]";
            case 'S':
                return @"[^\t\n\f\r ]";
            case 'W':
                return "[^0-9A-Za-z_]";
            case 'b' or 'B' or 'A' or 'z' when !inClass:
                return "\\" + c;
            case 'x':
                return Rune(Hex(re2, ref i));
            case >= '0' and <= '7':
                return Rune(Octal(re2, ref i, c));
            case 'p' or 'P' or 'Q':
                throw new FormatException($"\\{c} is not supported");
            default:
                throw new FormatException($"invalid pattern: invalid escape sequence \\{c}");
        }
    }

    private static int Hex(string re2, ref int i)
    {
        string digits;
        if (i < re2.Length && re2[i] == '{')
        {
            var end = re2.IndexOf('}', i);
            if (end < 0)
                throw new FormatException("invalid pattern: invalid escape sequence \\x{");
            digits = re2[(i + 1)..end];
            i = end + 1;
        }
        else
        {
            if (i + 2 > re2.Length)
                throw new FormatException("invalid pattern: invalid escape sequence \\x");
            digits = re2.Substring(i, 2);
            i += 2;
        }
        if (digits.Length == 0 || !int.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
            || value > 0x10FFFF)
            throw new FormatException($"invalid pattern: invalid escape sequence \\x{digits}");
        return value;
    }

    /// <summary>RE2: <c>\0</c> starts an octal number of up to three digits; <c>\1</c>-<c>\7</c> only when another digit follows.</summary>
    private static int Octal(string re2, ref int i, char first)
    {
        if (first != '0' && (i >= re2.Length || re2[i] is < '0' or > '7'))
            throw new FormatException($"invalid pattern: invalid escape sequence \\{first}");
        var value = first - '0';
        for (var n = 1; n < 3 && i < re2.Length && re2[i] is >= '0' and <= '7'; n++)
            value = (value * 8) + (re2[i++] - '0');
        return value;
    }

    private static string Rune(int value)
    {
        if (value is >= 0xD800 and <= 0xDFFF)
            throw new FormatException($"invalid pattern: invalid escape sequence for U+{value:X4}");
        var text = char.ConvertFromUtf32(value);
        var sb = new StringBuilder();
        foreach (var ch in text)
            sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)ch:X4}");
        return sb.ToString();
    }
}
