using System.Text.Json;
using Distill.Cli.Commands;
using Distill.Dockerfile;
using Distill.Tests.Support;

namespace Distill.Tests.Cli;

/// <summary><c>distill lint</c> as users run it: output formats and exit codes.</summary>
public sealed class LintCommandTests
{
    private const string Several = """
        FROM alpine as Builder
        MAINTAINER me@example.com
        ENV PATH=$PAHT:/app/bin
        CMD echo hi

        FROM builder
        WORKDIR app
        COPY $SRC .
        """;

    private const string Golden = """
        Dockerfile:1:13: FromAsCasing: 'as' and 'FROM' keywords' casing do not match
        Dockerfile:1:16: StageNameCasing: Stage name 'Builder' should be lowercase
        Dockerfile:2:1: MaintainerDeprecated: MAINTAINER instruction is deprecated in favor of using label
        Dockerfile:3:10: UndefinedVar: Usage of undefined variable '$PAHT' (did you mean $PATH?)
        Dockerfile:4:1: JSONArgsRecommended: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals
        Dockerfile:7:9: WorkdirRelativePath: Relative workdir 'app' can have unexpected results if the base image changes
        Dockerfile:8:6: UndefinedVar: Usage of undefined variable '$SRC'

        """;

    [Fact]
    public async Task Prints_one_line_per_finding_and_exits_1()
    {
        using var dir = new TempDir();
        dir.Write("Dockerfile", Several);
        var result = await new DistillCli(dir["store"]).RunAsync(["lint"], null, dir.Path);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(Golden, result.Stdout);
        Assert.Equal("", result.Stderr);
    }

    [Fact]
    public async Task A_clean_dockerfile_exits_0_and_prints_nothing()
    {
        using var dir = new TempDir();
        dir.Write("ctx/Dockerfile", "FROM alpine AS build\nWORKDIR /src\nCOPY . .\nENTRYPOINT [\"/src/app\"]\n");
        var result = await new DistillCli(dir["store"]).RunAsync("lint", dir["ctx"]);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.All);
    }

    [Fact]
    public async Task The_file_option_and_the_context_name_the_file_in_findings()
    {
        using var dir = new TempDir();
        dir.Write("ctx/Dockerfile", "FROM alpine\nMAINTAINER me\n");
        dir.Write("other.Dockerfile", "FROM alpine\nCMD run\n");
        var cli = new DistillCli(dir["store"]);
        var byContext = await cli.RunAsync(["lint", "ctx"], null, dir.Path);
        Assert.Equal("ctx/Dockerfile:2:1: MaintainerDeprecated: MAINTAINER instruction is deprecated in favor of using label\n", byContext.Stdout);
        var byFile = await cli.RunAsync(["lint", "-f", "other.Dockerfile", "ctx"], null, dir.Path);
        Assert.Equal(1, byFile.ExitCode);
        Assert.StartsWith("other.Dockerfile:2:1: JSONArgsRecommended: ", byFile.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_dockerfile_is_a_usage_error_naming_the_file()
    {
        using var dir = new TempDir();
        var cli = new DistillCli(dir["store"]);
        var result = await cli.RunAsync(["lint", "-f", "nope/Dockerfile.dev"], null, dir.Path);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("nope/Dockerfile.dev", line, StringComparison.Ordinal);
        var noContext = await cli.RunAsync(["lint", "missing-dir"], null, dir.Path);
        Assert.Equal(2, noContext.ExitCode);
        Assert.Contains("missing-dir", noContext.Stderr, StringComparison.Ordinal);
        var badOption = await cli.RunAsync(["lint", "--no-such-option", "x", "y"], null, dir.Path);
        Assert.Equal(2, badOption.ExitCode);
    }

    [Fact]
    public async Task A_parse_error_prints_its_location_and_exits_1_without_a_stack_trace()
    {
        using var dir = new TempDir();
        dir.Write("Dockerfile", "FROM alpine\nRUN <<EOF\necho\n");
        var result = await new DistillCli(dir["store"]).RunAsync(["lint"], null, dir.Path);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("Dockerfile:2:1: unterminated heredoc <<EOF\n", result.Stdout);
        Assert.DoesNotContain("   at ", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_output_has_every_field()
    {
        using var dir = new TempDir();
        dir.Write("Dockerfile", "# check=error=true\nFROM alpine\nENV A \"it's\"\n");
        var result = await new DistillCli(dir["store"]).RunAsync(["lint", "--json"], null, dir.Path);
        Assert.Equal(1, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        var finding = Assert.Single(json.RootElement.GetProperty("findings").EnumerateArray().ToList());
        Assert.Equal("LegacyKeyValueFormat", finding.GetProperty("rule").GetString());
        Assert.Equal("error", finding.GetProperty("severity").GetString());
        Assert.Equal("\"ENV key=value\" should be used instead of legacy \"ENV key value\" format", finding.GetProperty("message").GetString());
        Assert.Equal("Dockerfile", finding.GetProperty("file").GetString());
        Assert.Equal(3, finding.GetProperty("line").GetInt32());
        Assert.Equal(5, finding.GetProperty("column").GetInt32());
        Assert.Equal(3, finding.GetProperty("endLine").GetInt32());
        Assert.Equal(5, finding.GetProperty("endColumn").GetInt32());
        Assert.Equal("https://docs.docker.com/go/dockerfile/rule/legacy-key-value-format/", finding.GetProperty("url").GetString());
    }

    [Fact]
    public async Task Clean_json_output_is_an_empty_list()
    {
        using var dir = new TempDir();
        dir.Write("Dockerfile", "FROM scratch\nCOPY app /\n");
        var result = await new DistillCli(dir["store"]).RunAsync(["lint", "--json"], null, dir.Path);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("{\"findings\":[]}\n", result.Stdout);
    }

    [Fact]
    public void On_a_terminal_each_finding_shows_its_line_and_a_caret()
    {
        var report = DockerfileLinter.Lint("FROM alpine AS Base\n\tENV PATH=$PAHT\n", "Dockerfile");
        Assert.Equal("""
            Dockerfile:1:16: StageNameCasing: Stage name 'Base' should be lowercase
             1 | FROM alpine AS Base
               |                ^~~~
            Dockerfile:2:11: UndefinedVar: Usage of undefined variable '$PAHT' (did you mean $PATH?)
             2 | 	ENV PATH=$PAHT
               | 	         ^~~~~

            """, LintCommand.Text(report, withSource: true));
        Assert.Equal("""
            Dockerfile:1:16: StageNameCasing: Stage name 'Base' should be lowercase
            Dockerfile:2:11: UndefinedVar: Usage of undefined variable '$PAHT' (did you mean $PATH?)

            """, LintCommand.Text(report, withSource: false));
    }
}
