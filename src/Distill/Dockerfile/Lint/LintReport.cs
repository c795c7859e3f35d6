namespace Distill.Dockerfile;

/// <summary>The findings for one Dockerfile, in source order, and its lines (to show where each one is).</summary>
public sealed record LintReport(string File, IReadOnlyList<LintFinding> Findings, IReadOnlyList<string> Lines)
{
    public bool IsClean => Findings.Count == 0;
    public bool HasErrors => Findings.Any(f => f.Severity == LintSeverity.Error);
}
