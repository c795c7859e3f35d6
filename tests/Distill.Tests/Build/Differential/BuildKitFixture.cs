using Distill.Tests.Support;

namespace Distill.Tests.Build.Differential;

/// <summary>
/// One private Debian <c>dockerd</c> (20.10, BuildKit through <c>DOCKER_BUILDKIT=1</c>) for a test class, with the
/// Debian base loaded as <see cref="BaseName"/>. BuildKit in this engine resolves <c>FROM debian:bookworm</c> from the
/// engine's own image store, so no registry is involved. The engine runs with <c>--bridge=none</c>, where a RUN step
/// fails with "network bridge not found" unless the build uses <c>--network host</c> (or <c>none</c>); the
/// differential builds use <c>--network host</c> on both sides, which is also distill's default.
/// </summary>
public sealed class BuildKitFixture : IAsyncLifetime
{
    public const string BaseName = "debian:bookworm";

    private static readonly Dictionary<string, string> BuildKit = new() { ["DOCKER_BUILDKIT"] = "1" };

    private DockerEngine? _engine;

    public DockerEngine Engine => _engine ?? throw new InvalidOperationException("dockerd is not started");

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        _engine = await DockerEngine.StartAsync(ct);
        try
        {
            using var temp = new TempDir();
            var archive = temp["debian.tar"];
            await new DistillCli(temp["store"]).RunOkAsync("copy", $"oci:{DebianBase.Path}:{DebianBase.Tag}", $"docker-archive:{archive}:{BaseName}");
            await _engine.RunOkAsync("load", "-i", archive);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Builds <paramref name="context"/> with BuildKit and saves the result as a docker-archive.</summary>
    public async Task BuildAsync(string context, IReadOnlyList<string> flags, string tag, string archive)
    {
        string[] args = ["build", "--progress", "plain", "--network", "host", "-t", tag, .. flags, context];
        var built = await Engine.RunAsync(args, BuildKit);
        Assert.True(built.ExitCode == 0, $"BuildKit: docker{Tool.Quote(args)} exited {built.ExitCode}:\n{built.All}");
        await Engine.RunOkAsync("save", "-o", archive, tag);
    }

    public async ValueTask DisposeAsync()
    {
        if (_engine is not null)
        {
            await _engine.DisposeAsync();
            _engine = null;
        }
    }
}
