using Distill.Tests.Support;
using Distill.Tests.Integration;

namespace Distill.Tests.Cli;

/// <summary><c>distill run</c>: the packed calculator answers on stdin under runc and crun; exit codes pass through.</summary>
public sealed class RunCommandTests
{
    [Theory]
    [InlineData("runc")]
    [InlineData("crun")]
    public async Task Run_interactive_answers_the_calculator(string runtime)
    {
        Tool.Require(runtime, runtime);
        var calc = await CalculatorImage.GetAsync();
        using var temp = new TempDir();
        var result = await new DistillCli(temp["store"]).RunWithInputAsync("1 + 2\n6 * 7\nexit\n", ["run", "-i", "--rm", "--runtime", runtime, $"oci:{calc.OciDir}:{CalculatorImage.Tag}"]);
        Assert.True(result.ExitCode == 0, result.All);
        Assert.Equal("Result: 3\nResult: 42\n", result.Stdout);
    }

    [Fact]
    public async Task The_exit_code_passes_through_and_arguments_replace_cmd()
    {
        var go = Tool.Require("go", "golang-go");
        using var temp = new TempDir();
        temp.Write("src/main.go", "package main\nimport (\"fmt\"; \"os\"; \"strconv\")\nfunc main() { fmt.Println(os.Args[1:], os.Getenv(\"GREETING\")); n, _ := strconv.Atoi(os.Args[len(os.Args)-1]); os.Exit(n) }\n");
        var env = new Dictionary<string, string> { ["GO111MODULE"] = "off", ["CGO_ENABLED"] = "0", ["GOCACHE"] = temp["gocache"], ["HOME"] = temp.Path };
        await Tool.RunOkAsync(go, ["build", "-o", temp["out/exiter"], "."], env: env, workingDirectory: temp["src"], timeoutSeconds: 300);
        var cli = new DistillCli(temp["store"]);
        await cli.RunOkAsync("pack", temp["out"], "--entrypoint", "/exiter", "--cmd", "0", "--env", "GREETING=hi", "-t", "exiter:1");
        var zero = await cli.RunAsync("run", "exiter:1");
        Assert.Equal(0, zero.ExitCode);
        Assert.Equal("[0] hi\n", zero.Stdout);
        var seven = await cli.RunAsync("run", "-e", "GREETING=yo", "exiter:1", "a", "7");
        Assert.Equal(7, seven.ExitCode);
        Assert.Equal("[a 7] yo\n", seven.Stdout);
    }
}
