namespace Distill.Dockerfile;

/// <summary>How bad a finding is: a warning, or an error (syntax errors, and every finding under <c># check=error=true</c>).</summary>
public enum LintSeverity
{
    Warning,
    Error,
}
