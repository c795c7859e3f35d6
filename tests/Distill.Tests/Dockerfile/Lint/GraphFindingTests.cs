using Distill.Dockerfile;

namespace Distill.Tests.Dockerfile.Lint;

/// <summary>Stage references that cannot be built are syntax findings of lint, with their location.</summary>
public sealed class GraphFindingTests
{
    [Theory]
    [InlineData("FROM a\nFROM b\nCOPY --from=7 a b\n", 3, "--from=7 does not name an earlier stage")]
    [InlineData("FROM a AS x\nCOPY --from=x a b\n", 1, "circular dependency detected on stage: x")]
    [InlineData("FROM a AS x\nCOPY --from=y /a /a\nFROM b AS y\nCOPY --from=x /b /b\nFROM c\n", 1, "circular dependency detected on stage")]
    public void Unbuildable_references_are_found(string text, int line, string message)
    {
        var report = DockerfileLinter.Lint(text, "Dockerfile");
        var finding = Assert.Single(report.Findings, f => f.Rule == LintRules.Syntax && f.Range.StartLine == line);
        Assert.Contains(message, finding.Message, StringComparison.Ordinal);
        Assert.False(report.IsClean);
    }

    [Fact]
    public void A_buildable_graph_adds_nothing() =>
        Assert.DoesNotContain(DockerfileLinter.Lint("FROM a AS b\nFROM scratch\nCOPY --from=b /x /x\nCOPY --from=0 /y /y\n").Findings, f => f.Rule == LintRules.Syntax);
}
