using System.Diagnostics;
using Distill.Tests.Support;

namespace Distill.Tests.Analysis;

/// <summary>
/// The seed's "after" (multi-stage, <c>FROM scratch</c>) and "before" (single-stage, <c>Dockerfile.single</c>) images of
/// examples/calculator-go, built twice: by <c>distill build</c> (<c>FROM ubuntu</c> through an <see cref="UbuntuMirror"/>)
/// into OCI layouts, and by BuildKit (a private <see cref="DockerEngine"/>, the Debian base loaded as
/// <c>ubuntu:latest</c>, <c>--network host</c> because the engine has no bridge) saved with <c>docker save</c>.
/// The four builds are slow (each single-stage one runs apt-get install golang-go), so a whole collection shares them;
/// the distill and BuildKit pairs build at the same time, and inside each pair the second build reuses the first's
/// apt-get step from the cache. The engine stays up so tests can <c>docker run</c> the BuildKit images.
/// </summary>
public sealed class SeedImages : IAsyncLifetime
{
    public const string SingleTag = "seed-single";
    public const string MultiTag = "seed-multi";
    public const int BuildTimeoutSeconds = 900;

    private static readonly Dictionary<string, string> BuildKit = new() { ["DOCKER_BUILDKIT"] = "1" };

    private readonly UbuntuMirror _mirror = new();
    private DockerEngine? _engine;

    public TempDir Dir { get; } = new();

    /// <summary>The store of the distill builds (their cache; <see cref="SingleTag"/> and <see cref="MultiTag"/> tagged in it).</summary>
    public DistillCli Cli => new(Dir["store"]);

    public DockerEngine Engine => _engine ?? throw new InvalidOperationException("dockerd is not started");

    /// <summary><c>oci:</c> reference of the single-stage image built by distill.</summary>
    public string DistillSingle => $"oci:{Dir["distill-single"]}:{SingleTag}";

    /// <summary><c>oci:</c> reference of the multi-stage (scratch) image built by distill.</summary>
    public string DistillMulti => $"oci:{Dir["distill-multi"]}:{MultiTag}";

    /// <summary><c>docker-archive:</c> reference of the single-stage image built by BuildKit and saved by docker.</summary>
    public string BuildKitSingle => $"docker-archive:{Dir["buildkit-single.tar"]}";

    /// <summary><c>docker-archive:</c> reference of the multi-stage image built by BuildKit and saved by docker.</summary>
    public string BuildKitMulti => $"docker-archive:{Dir["buildkit-multi.tar"]}";

    public TimeSpan DistillElapsed { get; private set; }
    public TimeSpan BuildKitElapsed { get; private set; }

    public async ValueTask InitializeAsync()
    {
        try
        {
            var context = Dir["ctx"];
            Build.SeedBuild.CopyExample(context);
            await Task.WhenAll(BuildWithDistillAsync(context), BuildWithBuildKitAsync(context));
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    private async Task BuildWithDistillAsync(string context)
    {
        await _mirror.InitializeAsync();
        var clock = Stopwatch.StartNew();
        // single first: the multi-stage build then takes the apt-get step from the cache
        await DistillBuildAsync(context, ["-f", Path.Combine(context, "Dockerfile.single"), "-t", SingleTag, "-o", DistillSingle]);
        await DistillBuildAsync(context, ["-t", MultiTag, "-o", DistillMulti]);
        DistillElapsed = clock.Elapsed;
    }

    private async Task DistillBuildAsync(string context, string[] flags)
    {
        string[] args = ["build", context, "--registries-conf", _mirror.RegistriesConf, "--progress", "plain", .. flags];
        var built = await Cli.RunAsync(args, null, timeoutSeconds: BuildTimeoutSeconds);
        Assert.True(built.ExitCode == 0, $"distill{Tool.Quote(args)} exited {built.ExitCode}:\n{built.All}");
    }

    private async Task BuildWithBuildKitAsync(string context)
    {
        var ct = TestContext.Current.CancellationToken;
        _engine = await DockerEngine.StartAsync(ct);
        var clock = Stopwatch.StartNew();
        // BuildKit in this engine resolves FROM from the engine's own store (no registry): the Debian base is ubuntu:latest there
        var archive = Dir["ubuntu.tar"];
        await new DistillCli(Dir["load-store"]).RunOkAsync("copy", $"oci:{DebianBase.Path}:{DebianBase.Tag}", $"docker-archive:{archive}:ubuntu:latest");
        await _engine.RunOkAsync("load", "-i", archive);
        await BuildKitBuildAsync(context, ["-f", Path.Combine(context, "Dockerfile.single")], SingleTag, Dir["buildkit-single.tar"]);
        await BuildKitBuildAsync(context, [], MultiTag, Dir["buildkit-multi.tar"]);
        BuildKitElapsed = clock.Elapsed;
    }

    private async Task BuildKitBuildAsync(string context, string[] flags, string tag, string archive)
    {
        string[] args = ["build", "--progress", "plain", "--network", "host", "-t", tag, .. flags, context];
        var built = await Tool.RunAsync("/usr/bin/docker", args,
            env: new Dictionary<string, string>(BuildKit) { ["DOCKER_HOST"] = "unix://" + Engine.Socket }, timeoutSeconds: BuildTimeoutSeconds);
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
        await _mirror.DisposeAsync();
        Dir.Dispose();
    }
}
