using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Build;

/// <summary>
/// Issue 5's acceptance: the seed Dockerfile, verbatim, with the Go calculator, builds against a loopback mirror of
/// <c>docker.io</c> holding the Debian base as <c>ubuntu</c>: one layer holding only <c>/app</c>, which answers
/// <c>1 + 2</c>; reproducible across cold builds; a warm rebuild executes nothing; an edit reruns from <c>COPY . .</c>;
/// the single-stage "before" image builds and runs too. One cold build (<see cref="SeedBuild"/>) is shared.
/// </summary>
public sealed class SeedDockerfileTests(SeedBuild seed) : IClassFixture<SeedBuild>
{
    /// <summary>The Dockerfile of issue 5, byte for byte.</summary>
    private const string SeedDockerfile = """
        FROM ubuntu AS build
        RUN apt-get update && apt-get install -y golang-go
        ENV GO111MODULE=off
        COPY . .
        RUN CGO_ENABLED=0 go build -o /app .

        FROM scratch
        COPY --from=build /app /app
        ENTRYPOINT ["/app"]

        """;

    [Fact]
    public void The_example_holds_the_seed_dockerfile_verbatim() =>
        Assert.Equal(SeedDockerfile, File.ReadAllText(Path.Combine(Repo.Root, "examples", "calculator-go", "Dockerfile")));

    [Fact]
    public async Task The_seed_builds_to_one_layer_holding_only_app_that_answers_1_plus_2()
    {
        using var sandbox = new CliSandbox();
        var image = await sandbox.ReadLayoutAsync(seed.Layout, SeedBuild.LayoutTag);
        Assert.Equal(seed.Digest, image.ManifestDescriptor.Digest.ToString());
        var layer = Assert.Single(image.Layers);
        var entry = Assert.Single(await CliSandbox.EntriesAsync(layer));
        Assert.Equal("app", entry.Name.TrimStart('.', '/'));
        Assert.Equal(TarEntryKind.File, entry.Kind);
        Assert.True(entry.Size is > 500_000 and < 8_000_000, $"/app is {entry.Size} bytes: not a ~2 MB static Go binary");
        Assert.Equal(["/app"], image.Config.Config?.Entrypoint ?? []);

        // -t tagged it in the build's store; distill run -i attaches stdin
        var run = await seed.Cli.RunWithInputAsync("1 + 2\n", ["run", "-i", SeedBuild.Tag]);
        Assert.True(run.ExitCode == 0, $"distill run -i {SeedBuild.Tag} exited {run.ExitCode}:\n{run.All}");
        Assert.Equal("Result: 3\n", run.Stdout);
    }

    [Fact]
    public async Task A_warm_rebuild_executes_nothing_and_gives_the_same_digest()
    {
        using var temp = new TempDir();
        var warm = await seed.BuildAsync(seed.Cli, seed.Context, temp["iid"], ["-t", SeedBuild.Tag]);
        Assert.True(warm.ExitCode == 0, $"the warm rebuild failed ({warm.ExitCode}):\n{warm.All}");
        Assert.Equal(seed.Digest, File.ReadAllText(temp["iid"]).Trim());
        var steps = BuildProgress.Parse(warm.All);
        Assert.True(steps.Count >= 5, $"expected the 5 steps of the seed Dockerfile in the progress:\n{warm.All}");
        var executed = steps.Where(s => !s.Cached && !s.IsFrom).ToList();
        Assert.True(executed.Count == 0, $"a rebuild with nothing changed executed {string.Join(", ", executed.Select(s => s.Name))}:\n{warm.All}");
    }

    [Fact]
    public async Task Changing_main_go_reruns_from_COPY_and_nothing_before_it()
    {
        using var temp = new TempDir();
        SeedBuild.CopyExample(temp["ctx"]);
        var main = temp["ctx/main.go"];
        File.WriteAllText(main, File.ReadAllText(main).Replace("\"Result: %s\\n\"", "\"Answer: %s\\n\"", StringComparison.Ordinal));

        var edited = await seed.BuildAsync(seed.Cli, temp["ctx"], temp["iid"], ["-t", "calc-go:edited"]);
        Assert.True(edited.ExitCode == 0, $"the build of the edited copy failed ({edited.ExitCode}):\n{edited.All}");
        Assert.NotEqual(seed.Digest, File.ReadAllText(temp["iid"]).Trim());
        var steps = BuildProgress.Parse(edited.All);
        Assert.True(steps.Single(s => s.Name.Contains("apt-get install", StringComparison.Ordinal)).Cached, $"apt-get ran again:\n{edited.All}");
        foreach (var rerun in new[] { "COPY . .", "go build", "COPY --from=build" })
            Assert.False(steps.Single(s => s.Name.Contains(rerun, StringComparison.Ordinal)).Cached, $"{rerun} was taken from the cache:\n{edited.All}");

        var run = await seed.Cli.RunWithInputAsync("1 + 2\n", ["run", "-i", "calc-go:edited"]);
        Assert.True(run.ExitCode == 0, run.All);
        Assert.Equal("Answer: 3\n", run.Stdout);
    }

    [Fact]
    public async Task The_before_image_without_the_final_stage_builds_and_runs()
    {
        using var temp = new TempDir();
        var single = Path.Combine(seed.Context, "Dockerfile.single");
        var before = await seed.BuildAsync(seed.Cli, seed.Context, temp["iid"], ["-f", single, "-t", "calc-go:before", "-o", $"oci:{temp["out"]}:before"]);
        Assert.True(before.ExitCode == 0, $"the before image failed to build ({before.ExitCode}):\n{before.All}");

        using var sandbox = new CliSandbox();
        var image = await sandbox.ReadLayoutAsync(temp["out"], "before");
        var baseImage = await sandbox.ReadLayoutAsync(DebianBase.Path, DebianBase.Tag);
        // the base's layers, then apt-get, COPY . . and go build (ENV adds none)
        Assert.Equal(baseImage.Layers.Count + 3, image.Layers.Count);
        Assert.Equal(baseImage.Layers.Select(l => l.DiffId), image.Layers.Take(baseImage.Layers.Count).Select(l => l.DiffId));
        Assert.Contains("GO111MODULE=off", image.Config.Config?.Env ?? []);
        var seedImage = await sandbox.ReadLayoutAsync(seed.Layout, SeedBuild.LayoutTag);
        var beforeSize = image.Layers.Sum(l => l.Descriptor.Size);
        var afterSize = seedImage.Layers.Sum(l => l.Descriptor.Size);
        Assert.True(beforeSize > 50 * afterSize, $"the before image ({beforeSize} bytes) should dwarf the seed's ({afterSize} bytes)");

        var run = await seed.Cli.RunWithInputAsync("1 + 2\n", ["run", "-i", "calc-go:before", "/app"]);
        Assert.True(run.ExitCode == 0, $"distill run -i calc-go:before /app exited {run.ExitCode}:\n{run.All}");
        Assert.Equal("Result: 3\n", run.Stdout);
    }

    [Fact]
    public async Task Two_cold_builds_in_separate_stores_give_the_same_manifest_digest()
    {
        using var temp = new TempDir();
        var cold = await seed.BuildAsync(new DistillCli(temp["store"]), seed.Context, temp["iid"], ["--no-cache", "-o", $"oci:{temp["out"]}:again"]);
        Assert.True(cold.ExitCode == 0, $"the second cold build failed ({cold.ExitCode}):\n{cold.All}");
        Assert.True(BuildProgress.Parse(cold.All).Count >= 5, $"expected the seed's steps in the progress:\n{cold.All}");
        Assert.True(BuildProgress.Parse(cold.All).All(s => !s.Cached || s.IsFrom), $"--no-cache took a step from the cache:\n{cold.All}");
        var digest = File.ReadAllText(temp["iid"]).Trim();
        Assert.Equal(seed.Digest, digest);
        LayoutValidator.AssertValid(temp["out"]);
    }
}
