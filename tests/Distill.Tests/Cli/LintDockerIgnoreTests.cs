using Distill.Tests.Support;

namespace Distill.Tests.Cli;

/// <summary><c>distill lint</c> reads the context's .dockerignore (or &lt;Dockerfile&gt;.dockerignore) for CopyIgnoredFile.</summary>
public sealed class LintDockerIgnoreTests
{
    [Fact]
    public async Task Copying_an_ignored_file_is_reported_with_its_location()
    {
        using var temp = new TempDir();
        temp.Write("ctx/Dockerfile", "FROM scratch\nCOPY . /app\nCOPY secrets/key.pem /key.pem\nCOPY app /app\n");
        temp.Write("ctx/.dockerignore", "secrets\n*.log\n");
        temp.Write("ctx/secrets/key.pem", "x");
        temp.Write("ctx/app", "x");
        var result = await new DistillCli(temp["store"]).RunAsync(["lint", temp["ctx"]], null);
        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"{temp["ctx"]}/Dockerfile:3:", line, StringComparison.Ordinal);
        Assert.Contains("CopyIgnoredFile", line, StringComparison.Ordinal);
        Assert.Contains("secrets/key.pem", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dockerfile_specific_ignore_file_wins_and_a_bad_pattern_is_an_error()
    {
        using var temp = new TempDir();
        temp.Write("Dockerfile", "FROM scratch\nCOPY notes.txt /n\n");
        temp.Write(".dockerignore", "notes.txt\n");
        temp.Write("Dockerfile.dockerignore", "other\n");
        temp.Write("notes.txt", "x");
        var cli = new DistillCli(temp["store"]);
        var clean = await cli.RunAsync(["lint", "-f", temp["Dockerfile"], temp.Path], null);
        Assert.Equal(0, clean.ExitCode);
        temp.Write("Dockerfile.dockerignore", "[z-a]\n");
        var bad = await cli.RunAsync(["lint", "-f", temp["Dockerfile"], temp.Path], null);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("Dockerfile.dockerignore:1", bad.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", bad.All, StringComparison.Ordinal);
    }
}
