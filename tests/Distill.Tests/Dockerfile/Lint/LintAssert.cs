using Distill.Dockerfile;

namespace Distill.Tests.Dockerfile.Lint;

/// <summary>Lints Dockerfile text and picks out one rule's findings.</summary>
internal static class LintAssert
{
    public static IReadOnlyList<LintFinding> Findings(string dockerfile, LintOptions? options = null) =>
        DockerfileLinter.Lint(dockerfile, "Dockerfile", options).Findings;

    public static IReadOnlyList<LintFinding> Of(LintRule rule, string dockerfile, LintOptions? options = null) =>
        Findings(dockerfile, options).Where(f => f.Rule == rule).ToList();

    /// <summary>Exactly one finding of the rule, with this message and range.</summary>
    public static LintFinding Single(LintRule rule, string dockerfile, string message, SourceRange range, LintOptions? options = null)
    {
        var findings = Of(rule, dockerfile, options);
        var finding = Assert.Single(findings);
        Assert.Equal(message, finding.Message);
        Assert.Equal(range, finding.Range);
        Assert.Equal("Dockerfile", finding.File);
        return finding;
    }

    public static void None(LintRule rule, string dockerfile, LintOptions? options = null)
    {
        var findings = Of(rule, dockerfile, options);
        Assert.True(findings.Count == 0, $"expected no {rule.Name} findings, got:\n{string.Join('\n', findings)}");
    }

    public static SourceRange At(int line, int column, int endColumn) => new(line, column, line, endColumn);
}
