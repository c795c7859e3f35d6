using System.Text.RegularExpressions;
using Distill.Tests.Support;

namespace Distill.Tests.Integration;

/// <summary>
/// examples/calculator, published (Native AOT, static) and packed with the real CLI once per test run, shared by
/// the integration tests: <c>oci:DIR:calc</c>, <c>oci-archive:FILE:calc</c>, <c>docker-archive:FILE:calculator:test</c>,
/// and a docker-archive under a name of its own for podman. Tests only read these outputs.
/// </summary>
public sealed partial class CalculatorImage
{
    public const string Tag = "calc";
    public const string DockerName = "calculator:test";
    public const string Entrypoint = "/calculator";

    private static readonly Lazy<Task<CalculatorImage>> Shared = new(CreateAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    private CalculatorImage(string root)
    {
        Root = root;
        PodmanName = $"localhost/{Peers.UniqueName("distill-it-calculator")}:test";
    }

    /// <summary>The published and packed calculator, made on first use.</summary>
    public static Task<CalculatorImage> GetAsync() => Shared.Value;

    public string Root { get; }
    public string PublishDir => Path.Combine(Root, "publish");
    public string OciDir => Path.Combine(Root, "oci");
    public string OciArchive => Path.Combine(Root, "calc.oci.tar");
    public string DockerArchive => Path.Combine(Root, "calc.docker.tar");

    /// <summary>A docker-archive tagged <see cref="PodmanName"/>, so loading it touches no other run's images.</summary>
    public string PodmanArchive => Path.Combine(Root, "calc.podman.tar");
    public string PodmanName { get; }

    /// <summary>The manifest digest <c>distill pack</c> printed.</summary>
    public string Digest { get; private set; } = "";
    public TimeSpan PublishTime { get; private set; }

    public string Oci => $"oci:{OciDir}:{Tag}";

    private static async Task<CalculatorImage> CreateAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), "distill-it-calculator-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        var image = new CalculatorImage(root);
        await image.PublishAsync();
        await image.PackAsync();
        return image;
    }

    private async Task PublishAsync()
    {
        Tool.Require("clang", "clang");
        Tool.Require("ld.lld", "lld");
        var started = DateTime.UtcNow;
        // Own artifacts path: nothing is written into the checkout, so parallel runs don't share obj/.
        var result = await Tool.RunAsync("dotnet",
            ["publish", Path.Combine(Repo.Root, "examples", "calculator", "Calculator.csproj"), "-c", "Release", "-o", PublishDir,
             "--artifacts-path", Path.Combine(Root, "artifacts"), "--disable-build-servers", "-nodeReuse:false"],
            timeoutSeconds: 300);
        PublishTime = DateTime.UtcNow - started;
        if (result.ExitCode != 0)
            Assert.Fail($"dotnet publish examples/calculator exited {result.ExitCode}:\n{result.All}");
        Assert.True(File.Exists(Path.Combine(PublishDir, "calculator")), $"dotnet publish wrote no calculator binary to {PublishDir}");
    }

    private async Task PackAsync()
    {
        var cli = new DistillCli(Path.Combine(Root, "store"));
        var result = await cli.RunOkAsync("pack", PublishDir, "--entrypoint", Entrypoint,
            "-o", Oci, "-o", $"oci-archive:{OciArchive}:{Tag}", "-o", $"docker-archive:{DockerArchive}:{DockerName}",
            "-o", $"docker-archive:{PodmanArchive}:{PodmanName}");
        var match = DigestLine().Match(result.Stdout);
        Assert.True(match.Success, $"distill pack printed no digest:\n{result.All}");
        Digest = match.Groups[1].Value;
    }

    [GeneratedRegex(@"^Digest: (sha256:[0-9a-f]{64})$", RegexOptions.Multiline)]
    private static partial Regex DigestLine();
}
