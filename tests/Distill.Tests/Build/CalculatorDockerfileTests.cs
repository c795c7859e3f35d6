using Distill.Tests.Support;

namespace Distill.Tests.Build;

/// <summary>
/// examples/calculator's multi-stage Dockerfile (the .NET SDK image publishes the Native AOT binary, the final stage is
/// FROM scratch). The SDK image cannot be pulled here, so this checks what can be checked without it: the lint passes
/// and the stage graph is the seed's shape.
/// </summary>
public sealed class CalculatorDockerfileTests
{
    private static string Example => Path.Combine(Repo.Root, "examples", "calculator");

    [Fact]
    public async Task Lint_accepts_the_calculator_dockerfile()
    {
        using var temp = new TempDir();
        var result = await new DistillCli(temp["store"]).RunAsync("lint", Example);
        Assert.True(result.ExitCode == 0, $"distill lint examples/calculator exited {result.ExitCode}:\n{result.All}");
        Assert.Equal("", result.All);
    }

    [Fact]
    public async Task The_final_stage_is_scratch_and_needs_only_the_sdk_stage()
    {
        using var temp = new TempDir();
        var result = await new DistillCli(temp["store"]).RunOkAsync("dockerfile", "stages", Path.Combine(Example, "Dockerfile"));
        Assert.Equal("build: FROM mcr.microsoft.com/dotnet/sdk:10.0\n1: FROM scratch; needs build\n", result.Stdout);
        var dockerfile = File.ReadAllText(Path.Combine(Example, "Dockerfile"));
        foreach (var package in new[] { "clang", "lld", "zlib1g-dev" })
            Assert.Contains(package, dockerfile, StringComparison.Ordinal);
        Assert.Contains("COPY --from=build /out/calculator /calculator", dockerfile, StringComparison.Ordinal);
    }
}
