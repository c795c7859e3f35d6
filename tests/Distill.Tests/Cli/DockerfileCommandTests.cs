using Distill.Tests.Support;

namespace Distill.Tests.Cli;

public sealed class DockerfileCommandTests
{
    [Fact]
    public async Task Dump_prints_the_canonical_dump_of_a_conformance_case()
    {
        using var temp = new TempDir();
        var dir = Path.Combine(Repo.Shared, "conformance", "buildkit-dockerfile", "testfiles", "lk4d4-the-edge-case-generator");
        var result = await new DistillCli(temp["store"]).RunOkAsync("dockerfile", "dump", Path.Combine(dir, "Dockerfile"));
        Assert.Equal(File.ReadAllText(Path.Combine(dir, "result")), result.Stdout);
    }

    [Theory]
    [InlineData("FROM a\nRUN <<EOF\necho\n", "Dockerfile:2:1: unterminated heredoc <<EOF")]
    [InlineData("FROM a\nENV PATH\n", "Dockerfile:2:1: ENV must have two arguments")]
    [InlineData("# only a comment\n", "Dockerfile:1:1: file with no instructions")]
    public async Task Dump_fails_on_parse_errors_with_a_location_and_no_stack_trace(string text, string expected)
    {
        using var temp = new TempDir();
        temp.Write("Dockerfile", text);
        var result = await new DistillCli(temp["store"]).RunAsync(["dockerfile", "dump", "Dockerfile"], null, temp.Path);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(expected, result.Stderr.Trim());
        Assert.DoesNotContain("   at ", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stages_lists_the_build_order_and_reports_graph_errors()
    {
        using var temp = new TempDir();
        temp.Write("Dockerfile", "FROM ubuntu AS build\nRUN make\nFROM scratch\nCOPY --from=build /app /app\n");
        temp.Write("Bad.Dockerfile", "FROM a AS x\nCOPY --from=y /a /a\nFROM b AS y\nCOPY --from=x /b /b\n");
        var cli = new DistillCli(temp["store"]);
        var ok = await cli.RunAsync(["dockerfile", "stages", "Dockerfile"], null, temp.Path);
        Assert.Equal(0, ok.ExitCode);
        Assert.Equal("build: FROM ubuntu\n1: FROM scratch; needs build\n", ok.Stdout);
        var bad = await cli.RunAsync(["dockerfile", "stages", "Bad.Dockerfile", "--target", "y"], null, temp.Path);
        Assert.Equal(1, bad.ExitCode);
        Assert.Matches(@"^Bad\.Dockerfile:\d+:1: circular dependency detected on stage: [xy]\n$", bad.Stderr);
        var missing = await cli.RunAsync(["dockerfile", "dump", "Nope"], null, temp.Path);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("Nope: no such file", missing.Stderr, StringComparison.Ordinal);
    }
}
