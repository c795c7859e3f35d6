using System.Text;
using System.Text.RegularExpressions;

namespace Distill.Dockerfile;

/// <summary>
/// Parses Dockerfile text into instruction nodes exactly as BuildKit's parser does: parser directives at the top,
/// comments, line continuations with the escape character (<c>\</c> or <c>`</c>), empty continuation lines
/// (a warning), heredocs for RUN/COPY/ADD, JSON or shell form per instruction, ONBUILD nesting.
/// </summary>
public static partial class DockerfileParser
{
    public static ParseResult Parse(string text, string file = "Dockerfile")
    {
        var lines = SplitLines(text);
        var state = new DirectiveState();
        var instructions = new List<Node>();
        var warnings = new List<ParseWarning>();
        var comments = new List<string>();
        var index = 0; // next line to read, 0-based
        while (index < lines.Count)
        {
            var raw = lines[index].Text;
            if (IsComment(raw))
            {
                var comment = raw.TrimStart()[1..].Trim();
                if (comment.Length == 0)
                    comments.Clear();
                else
                    comments.Add(comment);
            }
            var processed = ProcessLine(state, raw, stripLeft: true, file, index + 1);
            index++;
            var startLine = index;
            var startColumn = raw.Length - raw.TrimStart().Length + 1;
            var (content, endOfLine) = TrimContinuation(processed, state.Escape);
            if (endOfLine && content.Length == 0)
                continue;
            var logical = new StringBuilder(content);
            var emptyContinuation = false;
            while (!endOfLine && index < lines.Count)
            {
                var nextRaw = lines[index].Text;
                var next = ProcessLine(state, nextRaw, stripLeft: false, file, index + 1);
                index++;
                if (IsComment(nextRaw))
                    continue;
                if (next.Trim().Length == 0)
                {
                    emptyContinuation = true;
                    continue;
                }
                (next, endOfLine) = TrimContinuation(next, state.Escape);
                logical.Append(next);
            }
            var line = logical.ToString();
            if (emptyContinuation)
            {
                warnings.Add(new ParseWarning("NoEmptyContinuation", "Empty continuation line found in: " + line,
                    new SourceRange(index, 1, index, 1)));
            }
            Node node;
            try
            {
                node = NodeFromLine(line, state.Escape, [.. comments]);
            }
            catch (LineParsers.ArgumentError e)
            {
                throw new DockerfileSyntaxException(file, startLine, startColumn, e.Message);
            }
            if (CanContainHeredoc(node.Value) && line.Contains("<<", StringComparison.Ordinal))
            {
                var heredocs = new List<Heredoc>();
                foreach (var heredoc in HeredocsFromLine(line))
                {
                    var body = new StringBuilder();
                    var terminated = false;
                    while (index < lines.Count)
                    {
                        var (bodyLine, newline) = lines[index];
                        index++;
                        var candidate = heredoc.Chomp ? bodyLine.TrimStart('\t') : bodyLine;
                        if (candidate == heredoc.Name)
                        {
                            terminated = true;
                            break;
                        }
                        body.Append(bodyLine);
                        if (newline)
                            body.Append('\n');
                    }
                    if (!terminated)
                        throw new DockerfileSyntaxException(file, startLine, startColumn, $"unterminated heredoc <<{heredoc.Name}");
                    heredocs.Add(heredoc with { Content = body.ToString() });
                }
                node.Heredocs = heredocs;
            }
            var last = lines[index - 1].Text;
            node.Range = new SourceRange(startLine, startColumn, index, Math.Max(1, last.TrimEnd().Length));
            instructions.Add(node);
            comments.Clear();
        }
        if (instructions.Count == 0)
            throw new DockerfileSyntaxException(file, Math.Max(1, lines.Count), 1, "file with no instructions");
        return new ParseResult(file, instructions, state.Parsed, warnings, state.Escape, lines.Select(l => l.Text).ToList());
    }

    /// <summary>One instruction from a logical line: keyword, flags, arguments (and ONBUILD's inner instruction).</summary>
    private static Node NodeFromLine(string line, char escape, IReadOnlyList<string> comments)
    {
        var (keyword, flags, rest) = LineWords.SplitCommand(line);
        var parsed = LineParsers.Parse(keyword, rest, escape, sub => NodeFromLine(sub, escape, []));
        return new Node
        {
            Value = keyword,
            Flags = flags,
            Next = parsed.Next,
            IsJson = parsed.IsJson,
            Original = line,
            PrevComments = comments,
        };
    }

    private static bool CanContainHeredoc(string keyword) =>
        keyword.Equals("run", StringComparison.OrdinalIgnoreCase) || keyword.Equals("copy", StringComparison.OrdinalIgnoreCase)
        || keyword.Equals("add", StringComparison.OrdinalIgnoreCase);

    /// <summary>The heredocs a line opens, in order: words of the form <c>[n]&lt;&lt;[-]NAME</c>; a quoted NAME turns off expansion.</summary>
    internal static IEnumerable<Heredoc> HeredocsFromLine(string line)
    {
        foreach (var word in LineWords.ParseWords(line, '\\'))
        {
            var match = HeredocPattern().Match(word);
            if (!match.Success || match.Groups[3].Value.Length == 0)
                continue;
            var spec = match.Groups[3].Value;
            var quoted = spec.Contains('\'', StringComparison.Ordinal) || spec.Contains('"', StringComparison.Ordinal);
            var name = new StringBuilder();
            for (var i = 0; i < spec.Length; i++)
            {
                var c = spec[i];
                if (c is '\'' or '"')
                    continue;
                if (c == '\\' && i + 1 < spec.Length)
                    c = spec[++i];
                name.Append(c);
            }
            var fd = match.Groups[1].Value.Length == 0 ? 0 : int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            yield return new Heredoc(name.ToString(), "", Expand: !quoted, Chomp: match.Groups[2].Value == "-", fd);
        }
    }

    [GeneratedRegex(@"^(\d*)<<(-?)([^<]*)$")]
    private static partial Regex HeredocPattern();

    private static bool IsComment(string line)
    {
        foreach (var c in line)
        {
            if (!char.IsWhiteSpace(c))
                return c == '#';
        }
        return false;
    }

    /// <summary>BuildKit's processLine: strip the newline (and leading space on a first line), drop comments, look for a directive.</summary>
    private static string ProcessLine(DirectiveState state, string line, bool stripLeft, string file, int lineNumber)
    {
        state.Inspect(line, file, lineNumber);
        var text = stripLeft ? line.TrimStart() : line;
        return IsComment(text) ? "" : text;
    }

    /// <summary>Removes a trailing unescaped escape character (and the blanks after it): the line continues.</summary>
    private static (string Line, bool EndOfLine) TrimContinuation(string line, char escape)
    {
        var end = line.Length;
        while (end > 0 && line[end - 1] is ' ' or '\t')
            end--;
        var escapes = 0;
        while (escapes < end && line[end - 1 - escapes] == escape)
            escapes++;
        // an odd run of escape characters continues the line; an even one is escaped escapes (ENV C a\\)
        if (escapes % 2 == 1)
            return (line[..(end - 1)], false);
        return (line, true);
    }

    /// <summary>Lines without their terminators (\n or \r\n), each with whether a newline ended it; a leading BOM is dropped.</summary>
    private static List<(string Text, bool Newline)> SplitLines(string text)
    {
        if (text.StartsWith('\uFEFF'))
            text = text[1..];
        var lines = new List<(string, bool)>();
        var start = 0;
        while (start < text.Length)
        {
            var nl = text.IndexOf('\n', start);
            if (nl < 0)
            {
                lines.Add((text[start..].TrimEnd('\r'), false));
                break;
            }
            lines.Add((text[start..nl].TrimEnd('\r'), true));
            start = nl + 1;
        }
        return lines;
    }
}
