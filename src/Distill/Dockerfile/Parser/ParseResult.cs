namespace Distill.Dockerfile;

/// <summary>The parsed file: instructions in order, directives, warnings and the escape character in force.</summary>
public sealed record ParseResult(
    string File,
    IReadOnlyList<Node> Instructions,
    IReadOnlyList<ParserDirective> Directives,
    IReadOnlyList<ParseWarning> Warnings,
    char EscapeToken,
    IReadOnlyList<string> Lines);

/// <summary>A parser directive at the top of the file: <c># escape=`</c>, <c># syntax=…</c>, <c># check=…</c>.</summary>
public sealed record ParserDirective(string Name, string Value, int Line);
