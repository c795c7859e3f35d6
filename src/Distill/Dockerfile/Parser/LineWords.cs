using System.Text;

namespace Distill.Dockerfile;

/// <summary>
/// The word-level scanners the parser uses on one logical line, with BuildKit's exact rules: splitting the keyword,
/// leading <c>--flags</c>, and the quote-aware word split used by ENV, LABEL and ARG.
/// </summary>
internal static class LineWords
{
    /// <summary>Keyword, flags and the rest of the line (trimmed).</summary>
    public static (string Keyword, List<string> Flags, string Arguments) SplitCommand(string line)
    {
        var trimmed = line.Trim(WhitespaceChars);
        var split = IndexOfWhitespace(trimmed);
        if (split < 0)
            return (trimmed, [], "");
        var (rest, flags) = ExtractFlags(trimmed[split..].TrimStart(WhitespaceChars));
        return (trimmed[..split], flags, rest.Trim());
    }

    private static readonly char[] WhitespaceChars = [' ', '\t', '\v', '\f', '\r', '\n'];

    public static int IndexOfWhitespace(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] is ' ' or '\t' or '\v' or '\f' or '\r')
                return i;
        }
        return -1;
    }

    /// <summary>Leading words that start with <c>--</c>, quotes and backslashes processed; stops at the first other word or a bare <c>--</c>.</summary>
    public static (string Remainder, List<string> Flags) ExtractFlags(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inQuote = false;
        var inWord = false;
        var quote = '\0';
        var blankOk = false;
        for (var pos = 0; pos <= line.Length; pos++)
        {
            var ch = pos < line.Length ? line[pos] : '\0';
            if (!inWord && !inQuote)
            {
                if (pos == line.Length)
                    break;
                if (char.IsWhiteSpace(ch))
                    continue;
                if (ch != '-' || pos + 1 == line.Length || line[pos + 1] != '-')
                    return (line[pos..], words);
                inWord = true;
            }
            if (pos == line.Length)
            {
                var w = word.ToString();
                if (w != "--" && (blankOk || w.Length > 0))
                    words.Add(w);
                break;
            }
            if (inWord && !inQuote)
            {
                if (char.IsWhiteSpace(ch))
                {
                    inWord = false;
                    var w = word.ToString();
                    if (w == "--")
                        return (line[pos..], words);
                    if (blankOk || w.Length > 0)
                        words.Add(w);
                    word.Clear();
                    blankOk = false;
                    continue;
                }
                if (ch is '\'' or '"')
                {
                    quote = ch;
                    blankOk = true;
                    inQuote = true;
                    continue;
                }
                if (ch == '\\')
                {
                    if (pos + 1 == line.Length)
                        continue;
                    ch = line[++pos];
                }
                word.Append(ch);
                continue;
            }
            // in a quote
            if (ch == quote)
            {
                inQuote = false;
                continue;
            }
            if (ch == '\\')
            {
                if (pos + 1 == line.Length)
                {
                    inQuote = false;
                    continue;
                }
                ch = line[++pos];
            }
            word.Append(ch);
        }
        return ("", words);
    }

    /// <summary>Splits on whitespace outside quotes, keeping quotes and escapes as written (ENV, LABEL, ARG).</summary>
    public static List<string> ParseWords(string rest, char escape)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var phase = 0; // 0 spaces, 1 word, 2 quote
        var quote = '\0';
        var blankOk = false;
        for (var pos = 0; pos <= rest.Length; pos++)
        {
            var ch = pos < rest.Length ? rest[pos] : '\0';
            if (phase == 0)
            {
                if (pos == rest.Length)
                    break;
                if (char.IsWhiteSpace(ch))
                    continue;
                phase = 1;
            }
            if (pos == rest.Length)
            {
                if (blankOk || word.Length > 0)
                    words.Add(word.ToString());
                break;
            }
            if (phase == 1)
            {
                if (char.IsWhiteSpace(ch))
                {
                    phase = 0;
                    if (blankOk || word.Length > 0)
                        words.Add(word.ToString());
                    word.Clear();
                    blankOk = false;
                    continue;
                }
                if (ch is '\'' or '"')
                {
                    quote = ch;
                    blankOk = true;
                    phase = 2;
                }
                if (ch == escape)
                {
                    if (pos + 1 == rest.Length)
                        continue;
                    word.Append(ch);
                    ch = rest[++pos];
                }
                word.Append(ch);
                continue;
            }
            // in a quote
            if (ch == quote)
                phase = 1;
            if (ch == escape && quote != '\'')
            {
                if (pos + 1 == rest.Length)
                {
                    phase = 1;
                    continue;
                }
                word.Append(ch);
                ch = rest[++pos];
            }
            word.Append(ch);
        }
        return words;
    }
}
