using Distill.Dockerfile;
using static Distill.Tests.Dockerfile.Lint.LintAssert;

namespace Distill.Tests.Dockerfile.Lint;

/// <summary>What would not parse or build becomes a Syntax finding with its location, never an exception.</summary>
public sealed class SyntaxFindingTests
{
    [Fact]
    public void A_file_that_does_not_parse_gives_one_error()
    {
        var report = DockerfileLinter.Lint("FROM alpine\nRUN <<EOF\necho hi\n", "ctx/Dockerfile");
        var finding = Assert.Single(report.Findings);
        Assert.Equal(LintRules.Syntax, finding.Rule);
        Assert.Equal(LintSeverity.Error, finding.Severity);
        Assert.Equal("ctx/Dockerfile:2:1: unterminated heredoc <<EOF", finding.ToString());
        Assert.Equal(3, report.Lines.Count);
    }

    [Fact]
    public void A_bad_instruction_is_reported_and_the_rest_is_still_linted()
    {
        var findings = Findings("FROM alpine\n  RUNN echo hi\nMAINTAINER me\n");
        Assert.Equal(["Dockerfile:2:3: unknown instruction: RUNN (did you mean RUN?)", "Dockerfile:3:1: MaintainerDeprecated: MAINTAINER instruction is deprecated in favor of using label"],
            findings.Select(f => f.ToString()));
    }

    [Fact]
    public void Documents_that_would_not_build_are_errors()
    {
        Single(LintRules.Syntax, "RUN true\nFROM alpine\n", "RUN before the first FROM: only ARG may come before FROM", new SourceRange(1, 1, 1, 8));
        Single(LintRules.Syntax, "ARG A\n", "the Dockerfile has no FROM: nothing to build", At(1, 1, 1));
        Single(LintRules.Syntax, "FROM alpine AS 1st\n", "invalid name for build stage: \"1st\", name can't start with a number or contain symbols", At(1, 16, 18));
        Single(LintRules.Syntax, "FROM alpine\nCOPY ${A:?unset} /\n", "A: unset", new SourceRange(2, 1, 2, 18));
    }

    [Fact]
    public void Syntax_errors_are_not_skipped()
    {
        var finding = Single(LintRules.Syntax, "# check=skip=all\nFROM alpine\nFOO bar\n", "unknown instruction: FOO (did you mean FROM?)", At(3, 1, 1));
        Assert.Equal(LintSeverity.Error, finding.Severity);
    }
}
