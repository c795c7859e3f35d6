using System.Text.RegularExpressions;

namespace Distill.Dockerfile;

/// <summary>
/// Parser directives (<c># escape=</c>, <c># syntax=</c>, <c># check=</c>): only at the very top of the file, each
/// at most once; the first line that is not one ends them.
/// </summary>
internal sealed partial class DirectiveState
{
    private static readonly HashSet<string> Known = ["escape", "syntax", "check"];
    private bool _done;
    private readonly List<ParserDirective> _parsed = [];

    public char Escape { get; private set; } = '\\';

    public IReadOnlyList<ParserDirective> Parsed => _parsed;

    public void Inspect(string line, string file, int lineNumber)
    {
        if (_done)
            return;
        var match = DirectivePattern().Match(line);
        if (!match.Success || !Known.Contains(match.Groups[1].Value.ToLowerInvariant()))
        {
            _done = true;
            return;
        }
        var name = match.Groups[1].Value.ToLowerInvariant();
        if (_parsed.Any(d => d.Name == name))
            throw new DockerfileSyntaxException(file, lineNumber, 1, $"only one {name} parser directive can be used");
        var value = match.Groups[2].Value;
        if (name == "escape")
        {
            if (value is not ("`" or "\\"))
                throw new DockerfileSyntaxException(file, lineNumber, 1, $"invalid escape token '{value}' does not match ` or \\");
            Escape = value[0];
        }
        _parsed.Add(new ParserDirective(name, value, lineNumber));
    }

    [GeneratedRegex(@"^#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$")]
    private static partial Regex DirectivePattern();
}
