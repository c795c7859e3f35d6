using System.Text.Json.Nodes;
using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Analysis.Report;

/// <summary>
/// <c>distill compare</c> and <c>distill report</c> through the real CLI on small crafted images: a "fat" one with a
/// shell, dpkg, a setuid file, a dpkg database and hostile file names, and a "slim" one holding one file.
/// </summary>
public sealed class CompareReportCommandTests
{
    private const string DpkgStatus = """
        Package: bash
        Status: install ok installed
        Architecture: amd64
        Version: 5.2.15-2+b2

        Package: dpkg
        Status: install ok installed
        Architecture: amd64
        Version: 1.21.22

        """;

    private static async Task<(CliSandbox Sandbox, string Fat, string Slim, long FatSize, long SlimSize)> CraftAsync()
    {
        var sandbox = new CliSandbox();
        var ct = TestContext.Current.CancellationToken;
        var fat = new TarBuilder().Directory("bin").File("bin/bash", new byte[300_000], 0x1ed).Symlink("bin/sh", "bash")
            .Directory("usr").Directory("usr/bin").File("usr/bin/dpkg", new byte[50_000], 0x1ed).File("usr/bin/su", new byte[20_000], 0x9ed)
            .Directory("var").Directory("var/lib").Directory("var/lib/dpkg").File("var/lib/dpkg/status", DpkgStatus)
            .Directory("data");
        foreach (var (name, i) in HtmlReportTests.HostileNames.Select((n, i) => (n, i)))
            fat.File("data/" + name, new byte[10_000 * (i + 1)]);
        var slim = new TarBuilder().File("app", new byte[1_000]);
        var fatTar = await fat.ToBytesAsync();
        var slimTar = await slim.ToBytesAsync();
        var fatLayer = InMemoryLayer.FromTar(fatTar, LayerCompression.Gzip);
        var slimLayer = InMemoryLayer.FromTar(slimTar, LayerCompression.Gzip);
        var config = ImageConfig.Empty(Platform.LinuxAmd64) with { Config = new ContainerConfig { Entrypoint = ["/bin/sh"] } };
        await Transports.WriteAsync(Image.Create(config, [fatLayer]), ImageReference.Parse($"oci:{sandbox["fat"]}:1"), new TransportOptions(), ct);
        await Transports.WriteAsync(Image.Create(config, [slimLayer]), ImageReference.Parse($"oci:{sandbox["slim"]}:1"), new TransportOptions(), ct);
        LayoutValidator.AssertValid(sandbox["fat"]);
        LayoutValidator.AssertValid(sandbox["slim"]);
        return (sandbox, $"oci:{sandbox["fat"]}:1", $"oci:{sandbox["slim"]}:1", fatTar.Length, slimTar.Length);
    }

    [Fact]
    public async Task Compare_json_has_the_ratio_and_both_sides()
    {
        var (sandbox, fat, slim, fatSize, slimSize) = await CraftAsync();
        using var _ = sandbox;
        var json = JsonNode.Parse((await sandbox.OkAsync("compare", fat, slim, "--json")).Stdout)!;
        Assert.Equal((double)fatSize / slimSize, (double)json["ratio"]!, 1e-9);
        Assert.Equal(fatSize, (long)json["a"]!["uncompressedSize"]!);
        Assert.Equal(slimSize, (long)json["b"]!["uncompressedSize"]!);
        Assert.Equal(["/bin/bash", "/bin/sh"], json["a"]!["shells"]!.AsArray().Select(n => (string)n!).Order(StringComparer.Ordinal));
        Assert.Equal(["/usr/bin/dpkg"], json["a"]!["packageManagers"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(["/usr/bin/su"], json["a"]!["setuidFiles"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(2, (int)json["a"]!["packagesByType"]!["deb"]!);
        Assert.Empty(json["b"]!["shells"]!.AsArray());
        Assert.Equal(0, (int)json["b"]!["packages"]!);
        Assert.Equal(1, (long)json["b"]!["files"]!);
    }

    [Fact]
    public async Task Compare_prints_an_aligned_table_and_a_markdown_table()
    {
        var (sandbox, fat, slim, _, _) = await CraftAsync();
        using var _ = sandbox;
        var text = (await sandbox.OkAsync("compare", fat, slim)).Stdout.Split('\n');
        var header = text[0];
        var column = header.IndexOf(fat, StringComparison.Ordinal);
        Assert.True(column > 0, header);
        foreach (var label in new[] { "uncompressed size", "compressed size", "layers", "files", "packages", "shells", "package managers", "setuid/setgid files" })
        {
            var line = Assert.Single(text, l => l.StartsWith(label + " ", StringComparison.Ordinal));
            Assert.NotEqual(' ', line[column]); // A's column starts at the same place on every line
        }
        Assert.Contains(text, l => l.Contains("the size of", StringComparison.Ordinal));

        var markdown = (await sandbox.OkAsync("compare", fat, slim, "--markdown")).Stdout;
        Assert.Contains("| --- | ---: | ---: |", markdown, StringComparison.Ordinal);
        Assert.Contains("| shells | 2 (bash, sh) | 0 |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_refuses_json_with_markdown_and_names_a_missing_image()
    {
        var (sandbox, fat, slim, _, _) = await CraftAsync();
        using var _ = sandbox;
        var both = await sandbox.RunAsync("compare", fat, slim, "--json", "--markdown");
        Assert.NotEqual(0, both.ExitCode);
        Assert.Contains("--json and --markdown", both.Stderr, StringComparison.Ordinal);
        var missing = await sandbox.RunAsync("compare", fat, $"oci:{sandbox["nowhere"]}:1");
        Assert.Equal(1, missing.ExitCode);
        Assert.StartsWith("distill: error:", missing.Stderr, StringComparison.Ordinal);
        Assert.Contains("nowhere", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_writes_one_escaped_self_contained_page_that_chromium_loads_cleanly()
    {
        var ct = TestContext.Current.CancellationToken;
        var (sandbox, fat, slim, _, _) = await CraftAsync();
        using var _ = sandbox;
        var dir = sandbox["out"];
        Directory.CreateDirectory(dir);
        var html = Path.Combine(dir, "report.html");
        await sandbox.OkAsync("report", fat, "--compare", slim, "--html", html);
        Assert.Equal(["report.html"], Directory.GetFiles(dir).Select(Path.GetFileName)); // no temporary file left beside it

        var text = await File.ReadAllTextAsync(html, ct);
        HtmlReportTests.AssertNoNetworkReference(text);
        Assert.DoesNotContain("<script>alert", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", text, StringComparison.Ordinal);
        Assert.Contains("/data/&lt;script&gt;alert(1)&lt;/script&gt;.txt", text, StringComparison.Ordinal);
        Assert.Contains("pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64", text, StringComparison.Ordinal);

        var page = await HeadlessChromium.LoadAsync(html, ct);
        Assert.True(page.Errors.Count == 0, "console errors:\n" + string.Join('\n', page.Errors));
        Assert.All(page.Requests, r => Assert.StartsWith("file://", r, StringComparison.Ordinal));
        HtmlReportTests.AssertPicture(page.Screenshot, sandbox["report.png"], minimumWidth: 1000);
    }

    [Fact]
    public async Task Report_needs_an_html_file()
    {
        var (sandbox, fat, _, _, _) = await CraftAsync();
        using var _ = sandbox;
        var run = await sandbox.RunAsync("report", fat);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--html", run.Stderr, StringComparison.Ordinal);
        CliSandbox.AssertOneLineError(await sandbox.RunAsync("report", fat, "--html", ""), "--html");
    }
}
