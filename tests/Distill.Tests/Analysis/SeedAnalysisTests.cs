using System.Text.Json.Nodes;
using Distill.Oci;
using Distill.Tests.Analysis.Report;
using Distill.Tests.Support;

namespace Distill.Tests.Analysis;

/// <summary>
/// Issue 7's acceptance on the seed's images, built by distill and by BuildKit (<see cref="SeedImages"/>):
/// <c>distill compare single multi</c> gives a ratio of at least 300; the single-stage image lists its shells, apt and
/// dpkg, and as many dpkg packages as <c>dpkg-query -W</c> counts in it; the scratch image lists none of those and its
/// SBOM holds the Go version and every module of the binary's build info; the HTML report of the pair loads in Chromium.
/// </summary>
[Collection(SeedImagesCollection.Name)]
public sealed class SeedAnalysisTests(SeedImages seed)
{
    public static TheoryData<string> Builders => ["distill", "buildkit"];

    private (string Single, string Multi) Pair(string builder) =>
        builder == "distill" ? (seed.DistillSingle, seed.DistillMulti) : (seed.BuildKitSingle, seed.BuildKitMulti);

    [Theory]
    [MemberData(nameof(Builders))]
    public async Task Compare_shows_the_single_stage_image_at_least_300_times_the_scratch_one(string builder)
    {
        var (single, multi) = Pair(builder);
        var run = await seed.Cli.RunAsync(["compare", single, multi, "--json"], null, timeoutSeconds: 600);
        Assert.True(run.ExitCode == 0, $"distill compare exited {run.ExitCode}:\n{run.All}");
        var json = JsonNode.Parse(run.Stdout)!;
        var ratio = (double)json["ratio"]!;
        long a = (long)json["a"]!["uncompressedSize"]!, b = (long)json["b"]!["uncompressedSize"]!;
        var measured = $"{builder}: single {a} B / multi {b} B = ratio {ratio:0.0} (compressed {(long)json["a"]!["compressedSize"]!} / {(long)json["b"]!["compressedSize"]!} = {(double)json["compressedRatio"]!:0.0})";
        TestContext.Current.TestOutputHelper?.WriteLine(measured);
        Console.Error.WriteLine("seed compare " + measured);
        Assert.Equal((double)a / b, ratio, 1e-9);
        Assert.True(ratio >= 300, measured);

        var single_ = json["a"]!;
        foreach (var shell in new[] { "/usr/bin/bash", "/usr/bin/dash" })
            Assert.Contains(shell, Strings(single_["shells"]));
        Assert.Contains(Strings(single_["shells"]), s => s.EndsWith("/sh", StringComparison.Ordinal));
        foreach (var manager in new[] { "apt", "apt-get", "dpkg" })
            Assert.Contains(Strings(single_["packageManagers"]), p => p.EndsWith("/" + manager, StringComparison.Ordinal));
        Assert.NotEmpty(Strings(single_["setuidFiles"]));

        var scratch = json["b"]!;
        Assert.Equal(1, (int)scratch["layers"]!);
        Assert.Equal(1, (long)scratch["files"]!);
        Assert.Empty(Strings(scratch["shells"]));
        Assert.Empty(Strings(scratch["packageManagers"]));
        Assert.Empty(Strings(scratch["setuidFiles"]));
        Assert.Null(scratch["packagesByType"]!["deb"]);

        var markdown = await seed.Cli.RunAsync(["compare", single, multi, "--markdown"], null, timeoutSeconds: 600);
        Assert.True(markdown.ExitCode == 0, markdown.All);
        Assert.Contains("| uncompressed size |", markdown.Stdout, StringComparison.Ordinal);
        Assert.Contains("| shells |", markdown.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Builders))]
    public async Task The_single_stage_image_lists_as_many_dpkg_packages_as_dpkg_query_finds_in_it(string builder)
    {
        var (single, _) = Pair(builder);
        var dpkgQuery = builder == "buildkit" ? await DpkgQueryInEngineAsync() : await DpkgQueryOnDatabaseAsync(single);
        var run = await seed.Cli.RunAsync(["compare", single, Pair(builder).Multi, "--json"], null, timeoutSeconds: 600);
        Assert.True(run.ExitCode == 0, $"distill compare exited {run.ExitCode}:\n{run.All}");
        var listed = (int)JsonNode.Parse(run.Stdout)!["a"]!["packagesByType"]!["deb"]!;
        Assert.True(dpkgQuery > 100, $"dpkg-query -W listed only {dpkgQuery} packages");
        Assert.Equal(dpkgQuery, listed);
    }

    [Theory]
    [MemberData(nameof(Builders))]
    public async Task The_scratch_image_SBOM_holds_the_Go_version_and_every_module_of_the_build_info(string builder)
    {
        var (_, multi) = Pair(builder);
        using var temp = new TempDir();
        var app = temp["app"];
        await ExtractAsync(multi, "app", app);
        var go = Tool.Require("go", "golang-go");
        var buildInfo = (await Tool.RunOkAsync(go, ["version", "-m", app])).Stdout;
        var version = buildInfo.Split('\n')[0].Split(' ')[^1]; // "app: go1.19.8"
        var modules = buildInfo.Split('\n').Select(l => l.Trim().Split('\t')).Where(f => f.Length >= 3 && f[0] is "mod" or "dep").Select(f => (f[1], f[2])).ToList();

        var sbom = await seed.Cli.RunAsync(["sbom", multi, "--format", "cyclonedx-json"], null, timeoutSeconds: 300);
        Assert.True(sbom.ExitCode == 0, $"distill sbom exited {sbom.ExitCode}:\n{sbom.All}");
        var components = JsonNode.Parse(sbom.Stdout)!["components"]!.AsArray();
        var purls = components.Select(c => (string?)c!["purl"]).OfType<string>().ToList();
        Assert.StartsWith("go1.", version, StringComparison.Ordinal);
        Assert.Contains($"pkg:golang/stdlib@{version[2..]}", purls);
        foreach (var (path, moduleVersion) in modules)
            Assert.Contains(purls, p => p.StartsWith($"pkg:golang/{path}@{moduleVersion}", StringComparison.Ordinal));
        Assert.DoesNotContain(purls, p => p.StartsWith("pkg:deb/", StringComparison.Ordinal));
        TestContext.Current.TestOutputHelper?.WriteLine($"{builder}: build info\n{buildInfo}\nSBOM purls: {string.Join(", ", purls)}");
    }

    [Fact]
    public async Task The_HTML_report_of_the_pair_loads_in_chromium_with_no_error()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempDir();
        var html = temp["report.html"];
        var run = await seed.Cli.RunAsync(["report", seed.DistillSingle, "--compare", seed.DistillMulti, "--html", html], null, timeoutSeconds: 600);
        Assert.True(run.ExitCode == 0, $"distill report exited {run.ExitCode}:\n{run.All}");
        var text = await File.ReadAllTextAsync(html, ct);
        HtmlReportTests.AssertNoNetworkReference(text);
        Assert.True(text.Split("data-path=").Length - 1 <= 600, "the treemap draws more boxes than its cap");
        foreach (var section in new[] { "id=\"compare\"", "id=\"filesystem\"", "id=\"layers\"", "id=\"surface\"", "id=\"packages\"" })
            Assert.Contains(section, text, StringComparison.Ordinal);
        Assert.Contains("/usr/lib/go-", text, StringComparison.Ordinal); // the toolchain is the biggest directory drawn

        var page = await HeadlessChromium.LoadAsync(html, ct);
        Assert.True(page.Errors.Count == 0, "console errors:\n" + string.Join('\n', page.Errors));
        Assert.All(page.Requests, r => Assert.StartsWith("file://", r, StringComparison.Ordinal));
        var shot = temp["report-screenshot.png"];
        HtmlReportTests.AssertPicture(page.Screenshot, shot, minimumWidth: 1000);
        var artifacts = Path.Combine(Repo.Root, "artifacts");
        Directory.CreateDirectory(artifacts);
        File.Copy(shot, Path.Combine(artifacts, "report-screenshot.png"), overwrite: true);
        TestContext.Current.TestOutputHelper?.WriteLine($"screenshot: {Path.Combine(artifacts, "report-screenshot.png")}");
    }

    private static List<string> Strings(JsonNode? array) => array!.AsArray().Select(n => (string)n!).ToList();

    /// <summary><c>dpkg-query -W</c> run inside the BuildKit image by the engine that built it.</summary>
    private async Task<int> DpkgQueryInEngineAsync()
    {
        var run = await seed.Engine.RunOkAsync("run", "--rm", "--network", "none", SeedImages.SingleTag, "dpkg-query", "-W");
        return run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
    }

    /// <summary>The host's <c>dpkg-query -W</c> over the image's own dpkg database (its status file, taken out of the layers).</summary>
    private static async Task<int> DpkgQueryOnDatabaseAsync(string reference)
    {
        using var temp = new TempDir();
        Directory.CreateDirectory(temp["admin/updates"]);
        Directory.CreateDirectory(temp["admin/info"]);
        await ExtractAsync(reference, "var/lib/dpkg/status", temp["admin/status"]);
        var run = await Tool.RunOkAsync(Tool.Require("dpkg-query", "dpkg"), [$"--admindir={temp["admin"]}", "-W"]);
        return run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
    }

    /// <summary>Copies one regular file of the image's final filesystem out (read with the library's merged view).</summary>
    private static async Task ExtractAsync(string reference, string path, string destination)
    {
        var ct = TestContext.Current.CancellationToken;
        var image = await Transports.ReadAsync(ImageReference.Parse(reference), new TransportOptions(), ct);
        var found = false;
        await ImageFilesystem.WalkAsync(image, async (entry, data, token) =>
        {
            if (entry.Header.Name != path || data is null)
                return;
            await using (var file = File.Create(destination))
                await data.CopyToAsync(file, token);
            File.SetUnixFileMode(destination, (UnixFileMode)(entry.Header.Mode & 0x1ff)); // go version -m skips files that are not executable
            found = true;
        }, ct);
        Assert.True(found, $"{path} is not in {reference}");
    }
}
