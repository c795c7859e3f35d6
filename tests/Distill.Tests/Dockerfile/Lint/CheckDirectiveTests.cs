using Distill.Dockerfile;
using static Distill.Tests.Dockerfile.Lint.LintAssert;

namespace Distill.Tests.Dockerfile.Lint;

/// <summary>The <c># check=</c> directive: skip rules, make findings errors, enable experimental rules.</summary>
public sealed class CheckDirectiveTests
{
    private const string Body = "FROM alpine AS BASE_STAGE\nCMD echo \"Hello, world!\"\n";

    [Fact]
    public void Without_the_directive_findings_are_warnings()
    {
        var findings = Findings(Body);
        Assert.Equal(["JSONArgsRecommended", "StageNameCasing"], findings.Select(f => f.Rule.Name).Order());
        Assert.All(findings, f => Assert.Equal(LintSeverity.Warning, f.Severity));
    }

    [Fact]
    public void Skip_turns_the_named_rules_off()
    {
        Assert.Empty(Findings("# syntax=docker/dockerfile:1\n# check=skip=JSONArgsRecommended,StageNameCasing\n\n" + Body));
        Assert.Equal(["StageNameCasing"], Findings("# check=skip=JSONArgsRecommended\n" + Body).Select(f => f.Rule.Name));
        Assert.Empty(Findings("# check=skip=all\n" + Body));
    }

    [Fact]
    public void Rule_names_are_case_sensitive()
    {
        Assert.Equal(2, Findings("# check=skip=jsonargsrecommended\n" + Body).Count);
    }

    [Fact]
    public void Error_true_makes_findings_errors()
    {
        var report = DockerfileLinter.Lint("# check=error=true\n" + Body);
        Assert.Equal(2, report.Findings.Count);
        Assert.All(report.Findings, f => Assert.Equal(LintSeverity.Error, f.Severity));
        Assert.True(report.HasErrors);
    }

    [Fact]
    public void Skip_and_error_combine_with_a_semicolon()
    {
        var finding = Assert.Single(Findings("# check=skip=JSONArgsRecommended;error=true\n" + Body));
        Assert.Equal(LintRules.StageNameCasing, finding.Rule);
        Assert.Equal(LintSeverity.Error, finding.Severity);
    }

    [Fact]
    public void A_directive_after_the_first_instruction_is_a_comment()
    {
        Assert.Equal(2, Findings("FROM alpine AS BASE_STAGE\n# check=skip=all\nCMD echo hi\n").Count);
    }

    [Theory]
    [InlineData("error=maybe", "invalid check directive: error=maybe is not a boolean")]
    [InlineData("skipp=JSONArgsRecommended", "invalid check directive: unknown parameter \"skipp\" (expected skip, error or experimental)")]
    [InlineData("JSONArgsRecommended", "invalid check directive \"JSONArgsRecommended\": expected KEY=VALUE (skip, error or experimental)")]
    public void An_invalid_directive_is_an_error_on_its_line(string value, string message)
    {
        var finding = Assert.Single(Of(LintRules.Syntax, $"# check={value}\n" + Body));
        Assert.Equal(message, finding.Message);
        Assert.Equal(1, finding.Line);
    }

    [Fact]
    public void Parse_reads_every_parameter()
    {
        var directive = CheckDirective.Parse(" skip = A, B ; error = TRUE ; experimental=all");
        Assert.Equal(["A", "B"], directive.Skip.Order());
        Assert.True(directive.Error);
        Assert.True(directive.Enables(LintRules.CopyIgnoredFile, new HashSet<string>()));
        Assert.False(CheckDirective.Default.Enables(LintRules.CopyIgnoredFile, new HashSet<string>()));
        Assert.True(CheckDirective.Default.Enables(LintRules.UndefinedVar, new HashSet<string>()));
    }
}
