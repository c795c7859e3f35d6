namespace Distill.Dockerfile;

/// <summary>A parser warning (BuildKit's, e.g. empty continuation lines), with its location.</summary>
public sealed record ParseWarning(string RuleName, string Message, SourceRange Range);
