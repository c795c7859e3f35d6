using System.Diagnostics;
using Distill.Tests.Support;

namespace Distill.Tests.Build;

/// <summary>
/// One cold build of the seed Dockerfile (examples/calculator-go, verbatim) with <c>FROM ubuntu</c> served by a
/// <see cref="UbuntuMirror"/>, into a fresh store, shared by the tests of a class: the apt-get install of the Go
/// toolchain is the slow part, and every later build in <see cref="Store"/> reuses its cache.
/// The build context is a copy of the example, so tests may build edited copies beside it.
/// </summary>
public sealed class SeedBuild : IAsyncLifetime
{
    public const string Tag = "calc-go";
    public const string LayoutTag = "calc-go";
    public const int BuildTimeoutSeconds = 900;

    public UbuntuMirror Mirror { get; } = new();
    public TempDir Dir { get; } = new();

    /// <summary>The store of the cold build (its cache, its <c>calc-go</c> tag).</summary>
    public string Store => Dir["store"];
    public DistillCli Cli => new(Store);

    /// <summary>The build context: a copy of examples/calculator-go.</summary>
    public string Context => Dir["ctx"];

    /// <summary>The <c>-o oci:DIR:calc-go</c> output of the cold build.</summary>
    public string Layout => Dir["out"];

    public Tool.Result Result { get; private set; } = null!;

    /// <summary>The manifest digest written by <c>--iidfile</c>.</summary>
    public string Digest { get; private set; } = "";
    public TimeSpan Elapsed { get; private set; }

    public async ValueTask InitializeAsync()
    {
        await Mirror.InitializeAsync();
        CopyExample(Context);
        var clock = Stopwatch.StartNew();
        Result = await BuildAsync(Cli, Context, Dir["iid"], ["-t", Tag, "-o", $"oci:{Layout}:{LayoutTag}"]);
        Elapsed = clock.Elapsed;
        Assert.True(Result.ExitCode == 0, $"the cold build of the seed Dockerfile failed ({Result.ExitCode}):\n{Result.All}");
        Digest = File.ReadAllText(Dir["iid"]).Trim();
    }

    /// <summary>
    /// <c>distill build CONTEXT --registries-conf MIRROR --iidfile IIDFILE --progress plain EXTRA...</c> with <paramref name="cli"/>'s store.
    /// </summary>
    public Task<Tool.Result> BuildAsync(DistillCli cli, string context, string iidFile, IEnumerable<string> extra) =>
        cli.RunAsync(["build", context, "--registries-conf", Mirror.RegistriesConf, "--iidfile", iidFile, "--progress", "plain", .. extra],
            null, timeoutSeconds: BuildTimeoutSeconds);

    /// <summary>Copies examples/calculator-go (files only: main.go, the Dockerfiles, README.md) into <paramref name="destination"/>.</summary>
    public static void CopyExample(string destination)
    {
        var source = Path.Combine(Repo.Root, "examples", "calculator-go");
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(source))
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
    }

    public async ValueTask DisposeAsync()
    {
        await Mirror.DisposeAsync();
        Dir.Dispose();
    }
}
