namespace Distill.Dockerfile;

/// <summary>One problem found in a Dockerfile: which rule, how bad, what, and where (1-based; the end is inclusive).</summary>
public sealed record LintFinding(LintRule Rule, LintSeverity Severity, string Message, string File, SourceRange Range)
{
    public int Line => Range.StartLine;
    public int Column => Range.StartColumn;

    /// <summary><c>FILE:LINE:COL: Rule: message</c>; syntax errors read <c>FILE:LINE:COL: message</c>.</summary>
    public override string ToString() => Rule == LintRules.Syntax
        ? $"{File}:{Line}:{Column}: {Message}"
        : $"{File}:{Line}:{Column}: {Rule.Name}: {Message}";

    internal static LintFinding FromException(DockerfileSyntaxException e, string file) =>
        new(LintRules.Syntax, LintSeverity.Error, e.Reason.Length > 0 ? e.Reason : e.Message, e.File.Length > 0 ? e.File : file,
            new SourceRange(Math.Max(1, e.Line), Math.Max(1, e.Column), Math.Max(1, e.Line), Math.Max(1, e.Column)));
}
