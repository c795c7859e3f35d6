using Distill.Tests.Support;

namespace Distill.Tests.Build.Differential;

/// <summary>
/// Issue 5's acceptance: for each case under <c>Cases/</c>, <c>distill build</c> and BuildKit (Debian's docker.io
/// 20.10, <c>DOCKER_BUILDKIT=1</c>) give the same final file tree and the same runtime config
/// (<see cref="ImageDescription"/>). Both sides build the same prepared context with the same flags, from the same
/// Debian base named <c>debian:bookworm</c> (in the private dockerd and in the test's private distill store).
/// </summary>
public sealed class DifferentialBuildTests(BuildKitFixture buildKit) : IClassFixture<BuildKitFixture>
{
    public static TheoryData<string> Cases => new(DifferentialCase.Names());

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Distill_build_gives_the_image_BuildKit_gives(string name)
    {
        var ct = TestContext.Current.CancellationToken;
        var @case = DifferentialCase.Load(name);
        using var sandbox = new CliSandbox();
        var context = await @case.PrepareContextAsync(sandbox.Temp);

        await buildKit.BuildAsync(context, @case.Flags, @case.Tag, sandbox["buildkit.tar"]);
        var expected = await ImageDescription.OfAsync(await sandbox.ReadAsync($"docker-archive:{sandbox["buildkit.tar"]}"), ct);

        await sandbox.OkAsync("copy", $"oci:{DebianBase.Path}:{DebianBase.Tag}", BuildKitFixture.BaseName);
        string[] args = ["build", "--network", "host", "-o", $"oci:{sandbox["distill"]}", .. @case.Flags, context];
        var built = await sandbox.RunAsync(args);
        Assert.True(built.ExitCode == 0, $"distill{Tool.Quote(args)} exited {built.ExitCode} (BuildKit built this case):\n{built.All}");
        var actual = await ImageDescription.OfAsync(await sandbox.ReadLayoutAsync(sandbox["distill"]), ct);

        ListingDiff.AssertSame(expected, actual, $"BuildKit {name}", $"distill build {name}");
    }

    /// <summary>
    /// The comparison itself: BuildKit's <c>FROM debian:bookworm</c> (resolved from the engine's image store, no
    /// registry) describes exactly as the Debian base layout read directly, so <c>docker load</c> and
    /// <c>docker save</c> change nothing the differential cases compare.
    /// </summary>
    [Fact]
    public async Task BuildKit_FROM_the_loaded_base_describes_as_the_base_itself()
    {
        var ct = TestContext.Current.CancellationToken;
        using var sandbox = new CliSandbox();
        sandbox.Temp.Write("context/Dockerfile", "FROM debian:bookworm\n");
        await buildKit.BuildAsync(sandbox["context"], [], "distill-differential/base", sandbox["buildkit.tar"]);
        var expected = await ImageDescription.OfAsync(await sandbox.ReadAsync($"oci:{DebianBase.Path}:{DebianBase.Tag}"), ct);
        var actual = await ImageDescription.OfAsync(await sandbox.ReadAsync($"docker-archive:{sandbox["buildkit.tar"]}"), ct);
        ListingDiff.AssertSame(expected, actual, "Debian base layout", "BuildKit FROM debian:bookworm");
        Assert.Contains(expected.Lines, l => l.StartsWith("/usr/bin/bash\tfile 0755 0:0 ", StringComparison.Ordinal));
    }
}
