using System.Text.Json;
using Distill.Tests.Support;

namespace Distill.Tests.Cli;

/// <summary><c>distill build</c> as users call it: outputs in every transport, digest and metadata files, progress modes, errors.</summary>
public sealed class BuildCommandTests
{
    private static string Context(CliSandbox sandbox, string dockerfile)
    {
        sandbox.Temp.Write("ctx/Dockerfile", dockerfile);
        sandbox.Temp.Write("ctx/hello.txt", "hello\n");
        return sandbox["ctx"];
    }

    [Fact]
    public async Task Tags_outputs_iidfile_metadata_and_json_progress_agree()
    {
        using var sandbox = new CliSandbox();
        var context = Context(sandbox, $"""
            FROM oci:{DebianBase.Path}:latest AS build
            RUN echo built > /out.txt && echo said-so
            FROM scratch
            COPY --from=build /out.txt /
            COPY hello.txt /
            CMD ["/nothing"]
            """);
        var result = await sandbox.RunAsync("build", context, "-t", "demo:1", "-o", $"oci:{sandbox["layout"]}:v1", "-o", $"docker-archive:{sandbox["image.tar"]}:demo:1",
            "--iidfile", sandbox["iid"], "--metadata-file", sandbox["meta.json"], "--progress", "json");
        Assert.True(result.ExitCode == 0, result.All);
        var digest = File.ReadAllText(sandbox["iid"]);
        Assert.Contains($"Digest: {digest}", result.Stdout, StringComparison.Ordinal);
        using var metadata = JsonDocument.Parse(File.ReadAllText(sandbox["meta.json"]));
        Assert.Equal(digest, metadata.RootElement.GetProperty("containerimage.digest").GetString());
        Assert.Equal("docker.io/library/demo:1", metadata.RootElement.GetProperty("image.name").GetString());
        var layout = await sandbox.ReadLayoutAsync(sandbox["layout"], "v1");
        Assert.Equal(digest, layout.ManifestDescriptor.Digest.ToString());
        Assert.Equal(digest, (await sandbox.ReadAsync("demo:1")).ManifestDescriptor.Digest.ToString());
        Assert.Equal(2, layout.Layers.Count);
        await Tool.RunOkAsync(Tool.Require("skopeo", "skopeo"), ["inspect", $"docker-archive:{sandbox["image.tar"]}"]);
        var events = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.Contains(events, e => e.GetProperty("event").GetString() == "output" && e.GetProperty("line").GetString() == "said-so");
        Assert.Contains(events, e => e.GetProperty("event").GetString() == "done" && e.GetProperty("text").GetString()!.Contains("RUN echo built", StringComparison.Ordinal));
        Assert.All(events.Where(e => e.TryGetProperty("step", out _)), e => Assert.True(e.GetProperty("count").GetInt32() >= e.GetProperty("index").GetInt32()));

        // again: everything cached, same digest, plain progress says CACHED
        var again = await sandbox.RunAsync("build", context, "-t", "demo:1", "--progress", "plain", "--iidfile", sandbox["iid2"]);
        Assert.True(again.ExitCode == 0, again.All);
        Assert.Equal(digest, File.ReadAllText(sandbox["iid2"]));
        Assert.Equal(3, again.Stderr.Split('\n').Count(l => l.EndsWith(" CACHED", StringComparison.Ordinal)));
        sandbox.AssertNoLeftovers();
    }

    [Theory]
    [InlineData("FROM scratch\nCOPY --chown nope\n", "Dockerfile:2")]
    [InlineData("FROM scratch\nCOPY missing.txt /\n", "Dockerfile:2")]
    [InlineData("FROM scratch\nBOGUS x\n", "Dockerfile:2")]
    [InlineData("FROM scratch AS a\nFROM a\nCOPY --from=nowhere-stage:1 /x /x\n", "nowhere-stage")]
    [InlineData("FROM oci:/nonexistent/layout:latest\n", "Dockerfile:1")]
    public async Task Bad_dockerfiles_fail_with_one_line_naming_the_place(string dockerfile, string mention)
    {
        using var sandbox = new CliSandbox();
        var context = Context(sandbox, dockerfile);
        var result = await sandbox.RunAsync("build", context, "--progress", "plain", "-o", $"oci:{sandbox["out"]}");
        Assert.NotEqual(0, result.ExitCode);
        var error = result.Stderr.Split('\n').Single(l => l.StartsWith("distill: error: ", StringComparison.Ordinal));
        Assert.Contains(mention, error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(sandbox["out"]), "no output is written when the build fails");
    }

    [Fact]
    public async Task Unknown_target_context_and_flags_are_refused_before_anything_runs()
    {
        using var sandbox = new CliSandbox();
        var context = Context(sandbox, "FROM scratch AS one\nCOPY hello.txt /\n");
        CliSandbox.AssertOneLineError(await sandbox.RunAsync("build", context, "--target", "two"), "target stage \"two\"", "one");
        CliSandbox.AssertOneLineError(await sandbox.RunAsync("build", sandbox["nowhere"]), "nowhere");
        CliSandbox.AssertOneLineError(await sandbox.RunAsync("build", context, "--secret", "id=x,src=/nonexistent/secret"), "/nonexistent/secret");
        CliSandbox.AssertOneLineError(await sandbox.RunAsync("build", context, "--build-arg", "=x"), "--build-arg");
        var badRuntime = await sandbox.RunAsync("build", context, "--runtime", "kata");
        Assert.NotEqual(0, badRuntime.ExitCode);
    }
}
