using System.Text.Json.Nodes;
using Distill.Tests.Support;

namespace Distill.Tests.Integration;

/// <summary>
/// User stories with podman, both ways: a docker-archive from <c>distill pack</c> loads and runs; what
/// <c>podman save</c> writes (docker-archive and oci-archive) Distill reads. The tests of this class run one
/// after the other (they load the same uniquely named image) and remove it when done.
/// </summary>
public sealed class PodmanTests
{
    private const long SizeGoal = 2_030_000;

    [Fact]
    public async Task Podman_loads_and_runs_the_packed_docker_archive()
    {
        var calc = await CalculatorImage.GetAsync();
        try
        {
            var load = await Tool.RunOkAsync(Peers.Podman, ["load", "-i", calc.PodmanArchive]);
            Assert.Contains(calc.PodmanName, load.All, StringComparison.Ordinal);

            var run = await Tool.RunAsync(Peers.Podman, ["run", "--rm", "-i", calc.PodmanName], stdin: "1 + 2\n6 * 7\nexit\n", timeoutSeconds: 90);
            Assert.True(run.ExitCode == 0, $"podman run exited {run.ExitCode}:\n{run.All}");
            Assert.Contains("Result: 3", run.Stdout, StringComparison.Ordinal);
            Assert.Contains("Result: 42", run.Stdout, StringComparison.Ordinal);

            var inspect = await Tool.RunOkAsync(Peers.Podman, ["image", "inspect", calc.PodmanName]);
            var size = JsonNode.Parse(inspect.Stdout)![0]!["Size"]!.GetValue<long>();
            TestContext.Current.TestOutputHelper?.WriteLine($"podman reports the calculator image as {size:N0} bytes (goal {SizeGoal:N0})");
            Assert.True(size <= SizeGoal, $"podman reports {size:N0} bytes, over the goal of {SizeGoal:N0}");
        }
        finally
        {
            await RemoveAsync(calc.PodmanName);
        }
    }

    [Theory]
    [InlineData("docker-archive")]
    [InlineData("oci-archive")]
    public async Task Distill_reads_what_podman_save_writes(string format)
    {
        var calc = await CalculatorImage.GetAsync();
        using var temp = new TempDir();
        var saved = temp["saved.tar"];
        try
        {
            await Tool.RunOkAsync(Peers.Podman, ["load", "-i", calc.PodmanArchive]);
            await Tool.RunOkAsync(Peers.Podman, ["save", "--format", format, "-o", saved, calc.PodmanName]);
        }
        finally
        {
            await RemoveAsync(calc.PodmanName);
        }

        var cli = new DistillCli(temp["store"]);
        var layout = temp["oci"];
        await cli.RunOkAsync("copy", $"{format}:{saved}", $"oci:{layout}:copy");
        LayoutValidator.AssertValid(layout);
        await Tool.RunOkAsync(Peers.OciImageTool, ["validate", "--type", "image", "--ref", "name=copy", layout]);

        // Same image: the config byte for byte, the same layer contents.
        var (_, original) = OciLayoutFiles.Manifest(calc.OciDir, CalculatorImage.Tag);
        var (_, copy) = OciLayoutFiles.Manifest(layout, "copy");
        Assert.Equal(original["config"]!["digest"]!.GetValue<string>(), copy["config"]!["digest"]!.GetValue<string>());
        var expectedDiffIds = Peers.Strings(OciLayoutFiles.ReadJson(calc.OciDir, original["config"]!["digest"]!.GetValue<string>())["rootfs"]!["diff_ids"]);
        var diffIds = copy["layers"]!.AsArray().Select(l => OciLayoutFiles.Uncompressed(layout, l!.AsObject()).DiffId).ToArray();
        Assert.Equal(expectedDiffIds, diffIds);
        var inspect = await Peers.InspectAsync($"oci:{layout}:copy", config: true);
        Assert.Equal([CalculatorImage.Entrypoint], Peers.Strings(inspect["config"]!["Entrypoint"]));
    }

    private static async Task RemoveAsync(string name)
    {
        // Untags only when another tag still names the same image; a failed load leaves nothing to remove.
        await Tool.RunAsync(Peers.Podman, ["rmi", name]);
    }
}
