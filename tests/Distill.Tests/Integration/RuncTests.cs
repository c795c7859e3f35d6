using System.Text.Json;
using System.Text.Json.Nodes;
using Distill.Tests.Support;

namespace Distill.Tests.Integration;

/// <summary>
/// User story: the packed calculator runs under a real OCI runtime, unpacked by umoci and run by runc, and the
/// whole image stays within the product's size goal.
/// </summary>
public sealed class RuncTests
{
    /// <summary>The product's goal for the calculator image: uncompressed size at most 2.03 MB.</summary>
    private const long SizeGoal = 2_030_000;

    [Fact]
    public async Task Umoci_unpacks_and_runc_runs_the_calculator()
    {
        var calc = await CalculatorImage.GetAsync();
        using var temp = new TempDir();
        var bundle = temp["bundle"];
        var rootfs = await Peers.UmociUnpackAsync(calc.OciDir, CalculatorImage.Tag, bundle);
        Assert.True(File.Exists(Path.Combine(rootfs, "calculator")), "umoci unpacked no /calculator");

        var configPath = Path.Combine(bundle, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(configPath))!;
        config["process"]!["terminal"] = false;
        Assert.Equal([CalculatorImage.Entrypoint], Peers.Strings(config["process"]!["args"]));
        File.WriteAllText(configPath, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

        var name = Peers.UniqueName("distill-it-calc");
        try
        {
            var result = await Tool.RunAsync(Peers.Runc, ["run", "-b", bundle, name], stdin: "1 + 2\nexit\n", timeoutSeconds: 60);
            Assert.True(result.ExitCode == 0, $"runc run exited {result.ExitCode}:\n{result.All}");
            Assert.Contains("Result: 3", result.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            await Tool.RunAsync(Peers.Runc, ["delete", "--force", name]);
        }
    }

    [Fact]
    public async Task Calculator_image_is_within_the_size_goal()
    {
        var calc = await CalculatorImage.GetAsync();
        var (_, manifest) = OciLayoutFiles.Manifest(calc.OciDir, CalculatorImage.Tag);
        var config = OciLayoutFiles.ReadJson(calc.OciDir, manifest["config"]!["digest"]!.GetValue<string>());
        var diffIds = Peers.Strings(config["rootfs"]!["diff_ids"]);
        long uncompressed = 0, compressed = 0;
        var layers = manifest["layers"]!.AsArray();
        for (var i = 0; i < layers.Count; i++)
        {
            var (size, diffId) = OciLayoutFiles.Uncompressed(calc.OciDir, layers[i]!.AsObject());
            Assert.Equal(diffIds[i], diffId);
            uncompressed += size;
            compressed += layers[i]!["size"]!.GetValue<long>();
        }
        var binary = new FileInfo(Path.Combine(calc.PublishDir, "calculator")).Length;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"calculator image: {uncompressed:N0} bytes uncompressed (goal {SizeGoal:N0}), {compressed:N0} bytes compressed, " +
            $"binary {binary:N0} bytes, {layers.Count} layer(s); publish took {calc.PublishTime.TotalSeconds:F1} s");
        Assert.True(uncompressed <= SizeGoal, $"the calculator image is {uncompressed:N0} bytes uncompressed, over the goal of {SizeGoal:N0}");
    }
}
