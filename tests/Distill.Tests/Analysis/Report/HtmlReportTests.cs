using System.Buffers.Binary;
using System.Text.RegularExpressions;
using Distill.Analysis.Compare;
using Distill.Analysis.Report;
using Distill.Tests.Support;

namespace Distill.Tests.Analysis.Report;

/// <summary>
/// The report page on its own (crafted data): it loads in headless Chromium with no console error and no request,
/// the screenshot is a real picture, image-derived text is escaped, and the error check itself catches a broken page.
/// </summary>
public sealed class HtmlReportTests
{
    /// <summary>File names an image may hold and a page must not execute or break on.</summary>
    public static readonly string[] HostileNames =
    [
        "<script>alert(1)</script>.txt",
        "a&b\"c'd.bin",
        "</svg><img src=x onerror=alert(2)>",
        "tab\there\u0001.so",
        "ünï😀code",
    ];

    internal static ReportImage Sample(string reference, long appSize, bool withSurface)
    {
        var files = HostileNames.Select((n, i) => Node("/data/" + n, 300_000 * (i + 1))).ToList();
        var data = Dir("/data", files);
        var usr = Dir("/usr", Enumerable.Range(0, 100).Select(i => Node($"/usr/lib/lib{i}.so", 10_000 + i * 97)).ToList());
        var root = Dir("/", [usr, data, Node("/app", appSize)]);
        var facts = new ImageFacts
        {
            Reference = reference,
            Digest = "sha256:" + new string('a', 64),
            CompressedSize = (root.Size / 3) + 1,
            UncompressedSize = root.Size + 10_240,
            Layers = 2,
            Files = root.Files,
            Packages = withSurface ? [new PackageFact("bash<&>", "5.2.15-2+b2", "deb", "pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64")] : [],
            Shells = withSurface ? ["/bin/bash", "/bin/sh"] : [],
            PackageManagers = withSurface ? ["/usr/bin/dpkg"] : [],
            SetuidFiles = withSurface ? ["/usr/bin/su"] : [],
        };
        return new ReportImage
        {
            Facts = facts,
            Layers = [new LayerFact("sha256:" + new string('b', 64), 100, 2000, "/bin/sh -c echo '<b>' && true"), new LayerFact("sha256:" + new string('c', 64), 10, 20, "")],
            Surface = withSurface ? [new SurfaceFact("shell", "/bin/<bash>", "ELF & friends")] : [],
            Tree = FileTree.Prune(root, 200),
        };
    }

    private static FileTreeNode Node(string path, long size) => new(path[(path.LastIndexOf('/') + 1)..], path, size, false, 1, []);

    private static FileTreeNode Dir(string path, List<FileTreeNode> children) =>
        new(path == "/" ? "/" : path[(path.LastIndexOf('/') + 1)..], path, children.Sum(c => c.Size), true, children.Sum(c => c.Files),
            children.OrderByDescending(c => c.Size).ToList());

    [Fact]
    public void Image_text_is_escaped_and_nothing_points_to_the_network()
    {
        var html = HtmlReport.Render(Sample("before:<1>", 5_000_000, withSurface: true), Sample("after&\"2\"", 2_000, withSurface: false));
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.DoesNotContain("\u0001", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;.txt", html, StringComparison.Ordinal);
        Assert.Contains("a&amp;b&quot;c&#39;d.bin", html, StringComparison.Ordinal);
        Assert.Contains("bash&lt;&amp;&gt;", html, StringComparison.Ordinal);
        Assert.Contains("before:&lt;1&gt;", html, StringComparison.Ordinal);
        Assert.Equal(1, Count(html, "<script>")); // the page's own script, once
        AssertNoNetworkReference(html);
    }

    [Fact]
    public void The_drawn_treemap_is_capped()
    {
        var html = HtmlReport.Render(Sample("big", 5_000_000, withSurface: false) with
        {
            Tree = FileTree.Prune(Sample("big", 5_000_000, false).Tree, 50),
        }, null);
        Assert.True(Count(html, "data-path=") <= 50, $"{Count(html, "data-path=")} boxes drawn");
    }

    [Fact]
    public async Task The_page_loads_in_chromium_with_no_error_and_no_request()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempDir();
        var file = temp["report.html"];
        await File.WriteAllTextAsync(file, HtmlReport.Render(Sample("before", 5_000_000, true), Sample("after", 2_000, false)), ct);

        var page = await HeadlessChromium.LoadAsync(file, ct);

        Assert.True(page.Errors.Count == 0, "console errors:\n" + string.Join('\n', page.Errors));
        Assert.All(page.Requests, r => Assert.StartsWith("file://", r, StringComparison.Ordinal));
        AssertPicture(page.Screenshot, temp["report.png"], minimumWidth: 1000);
    }

    [Fact]
    public async Task The_error_check_catches_a_broken_page()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempDir();
        var file = temp.Write("broken.html", """
            <!DOCTYPE html><html><body><p>broken</p>
            <img src="http://127.0.0.1:9/pixel.png">
            <script>console.error("deliberate"); undefinedFunction();</script>
            </body></html>
            """);

        var page = await HeadlessChromium.LoadAsync(file, ct);

        Assert.Contains(page.Errors, e => e.Contains("deliberate", StringComparison.Ordinal));
        Assert.Contains(page.Errors, e => e.Contains("undefinedFunction", StringComparison.Ordinal));
        Assert.Contains(page.Requests, r => r.StartsWith("http://127.0.0.1:9/", StringComparison.Ordinal));
    }

    /// <summary>Asserts a PNG of at least <paramref name="minimumWidth"/> pixels with more than a blank page's bytes, and saves it.</summary>
    internal static void AssertPicture(byte[] png, string path, int minimumWidth)
    {
        Assert.True(png.Length > 20_000, $"the screenshot is only {png.Length} bytes");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0d, 0x0a, 0x1a, 0x0a], png[..8]);
        var width = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16));
        var height = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20));
        Assert.True(width >= minimumWidth && height >= 600, $"the screenshot is {width}x{height}");
        File.WriteAllBytes(path, png);
    }

    internal static void AssertNoNetworkReference(string html)
    {
        foreach (var scheme in new[] { "http://", "https://", "url(", "@import" })
            Assert.DoesNotContain(scheme, html, StringComparison.OrdinalIgnoreCase);
        // no attribute that loads anything (escaped text cannot form one: its quotes are &quot;)
        Assert.DoesNotMatch(new Regex(@"\b(src|href|srcset|action|data|poster)\s*=\s*[""']", RegexOptions.IgnoreCase), html);
    }

    private static int Count(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}
