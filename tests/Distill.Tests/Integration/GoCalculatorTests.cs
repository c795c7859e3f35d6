using System.Text.Json;
using System.Text.Json.Nodes;
using Distill.Tests.Support;

namespace Distill.Tests.Integration;

/// <summary>
/// User story: a Go app built on the host (CGO_ENABLED=0, as in the seed's recipe) is packed FROM scratch with no
/// Dockerfile and no daemon, and runs under runc.
/// </summary>
public sealed class GoCalculatorTests
{
    [Fact]
    public async Task A_static_go_binary_packs_from_scratch_and_runs()
    {
        var go = Tool.Require("go", "golang-go");
        using var temp = new TempDir();
        var source = Path.Combine(Repo.Root, "examples", "calculator-go");
        var env = new Dictionary<string, string> { ["GO111MODULE"] = "off", ["CGO_ENABLED"] = "0", ["GOCACHE"] = temp["gocache"], ["HOME"] = temp.Path };
        await Tool.RunOkAsync(go, ["build", "-o", temp["out/app"], "."], env: env, workingDirectory: source, timeoutSeconds: 300);

        var cli = new DistillCli(temp["store"]);
        await cli.RunOkAsync("pack", temp["out"], "--entrypoint", "/app", "-o", $"oci:{temp["layout"]}:go");
        LayoutValidator.AssertValid(temp["layout"]);

        var bundle = temp["bundle"];
        var rootfs = await Peers.UmociUnpackAsync(temp["layout"], "go", bundle);
        Assert.Equal(["app"], Directory.GetFileSystemEntries(rootfs).Select(Path.GetFileName));
        var configPath = Path.Combine(bundle, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(configPath))!;
        config["process"]!["terminal"] = false;
        File.WriteAllText(configPath, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        var name = Peers.UniqueName("distill-it-go");
        try
        {
            var result = await Tool.RunAsync(Peers.Runc, ["run", "-b", bundle, name], stdin: "1 + 2\n6 * 7\nfoo\nexit\n", timeoutSeconds: 60);
            Assert.True(result.ExitCode == 0, $"runc run exited {result.ExitCode}:\n{result.All}");
            Assert.Equal("Result: 3\nResult: 42\nError: expected 'A OP B', e.g. '1 + 2'\n", result.Stdout);
        }
        finally
        {
            await Tool.RunAsync(Peers.Runc, ["delete", "--force", name]);
        }
    }
}
