using System.Globalization;
using System.Text;
using Distill.Analysis.Compare;

namespace Distill.Analysis.Report;

/// <summary>
/// <c>distill report</c>'s page: one self-contained HTML file — inline CSS, inline SVG (drawn here), a few lines of
/// inline script — that fetches nothing. Every text that comes from an image goes through <see cref="HtmlText.Escape"/>.
/// </summary>
public static class HtmlReport
{
    public const int TreemapWidth = 1200;
    public const int TreemapHeight = 640;

    /// <summary>The page for <paramref name="image"/>, with a before/after chart against <paramref name="other"/> when given.</summary>
    public static string Render(ReportImage image, ReportImage? other)
    {
        var facts = image.Facts;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>distill report: ").Append(HtmlText.Escape(facts.Reference)).Append("</title>\n")
            .Append("<style>\n").Append(ReportPage.Css).Append("</style>\n</head>\n<body>\n");
        html.Append("<header><h1>").Append(HtmlText.Escape(facts.Reference)).Append("</h1>\n<p class=\"digest\">")
            .Append(HtmlText.Escape(facts.Digest)).Append("</p>\n");
        html.Append("<ul class=\"stats\">")
            .Append(Stat("uncompressed", SizeText.Of(facts.UncompressedSize)))
            .Append(Stat("compressed", SizeText.Of(facts.CompressedSize)))
            .Append(Stat("layers", Count(facts.Layers)))
            .Append(Stat("files", Count(facts.Files)))
            .Append(Stat("packages", Count(facts.Packages.Count)))
            .Append(Stat("shells", Count(facts.Shells.Count)))
            .Append("</ul>\n</header>\n");
        if (other is not null)
            AppendComparison(html, new ImageComparison(image.Facts, other.Facts));
        html.Append("<section id=\"filesystem\"><h2>Filesystem by size</h2>\n<p class=\"hint\" id=\"treemap-info\">Hover or click a box for its path and size.</p>\n")
            .Append(TreemapSvg.Render(image.Tree, TreemapWidth, TreemapHeight)).Append("</section>\n");
        AppendLayers(html, image.Layers);
        AppendSurface(html, image);
        AppendPackages(html, facts.Packages);
        html.Append("<script>\n").Append(ReportPage.Script).Append("</script>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static string Stat(string label, string value) =>
        $"<li><span class=\"value\">{HtmlText.Escape(value)}</span><span class=\"label\">{label}</span></li>";

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static void AppendComparison(StringBuilder html, ImageComparison comparison)
    {
        html.Append("<section id=\"compare\"><h2>Before and after</h2>\n<p class=\"ratio\">")
            .Append(HtmlText.Escape(comparison.A.Reference)).Append(" is <strong>").Append(SizeText.Ratio(comparison.Ratio))
            .Append("</strong> the uncompressed size of ").Append(HtmlText.Escape(comparison.B.Reference)).Append(" (")
            .Append(SizeText.Ratio(comparison.CompressedRatio)).Append(" compressed)</p>\n")
            .Append(SizeChart.Render(comparison)).Append("<table>\n<thead><tr><th></th><th>")
            .Append(HtmlText.Escape(comparison.A.Reference)).Append("</th><th>").Append(HtmlText.Escape(comparison.B.Reference))
            .Append("</th></tr></thead>\n<tbody>\n");
        foreach (var row in ComparisonRows.Of(comparison))
            html.Append("<tr><th>").Append(HtmlText.Escape(row.Label)).Append("</th><td>").Append(HtmlText.Escape(row.A))
                .Append("</td><td>").Append(HtmlText.Escape(row.B)).Append("</td></tr>\n");
        html.Append("</tbody></table></section>\n");
    }

    private static void AppendLayers(StringBuilder html, IReadOnlyList<LayerFact> layers)
    {
        html.Append("<section id=\"layers\"><h2>Layers</h2>\n<table>\n<thead><tr><th>#</th><th>digest</th><th class=\"num\">compressed</th>")
            .Append("<th class=\"num\">uncompressed</th><th>created by</th></tr></thead>\n<tbody>\n");
        for (var i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{i + 1}</td><td class=\"mono\">")
                .Append(HtmlText.Escape(Short(layer.Digest))).Append("</td><td class=\"num\">").Append(SizeText.Of(layer.CompressedSize))
                .Append("</td><td class=\"num\">").Append(SizeText.Of(layer.UncompressedSize)).Append("</td><td class=\"mono\">")
                .Append(HtmlText.Escape(layer.CreatedBy)).Append("</td></tr>\n");
        }
        html.Append("</tbody></table></section>\n");
    }

    private static void AppendSurface(StringBuilder html, ReportImage image)
    {
        html.Append("<section id=\"surface\"><h2>Attack surface</h2>\n");
        if (image.Surface.Count == 0)
        {
            html.Append("<p class=\"clean\">Nothing found: no shell, no package manager, no setuid file, no world-writable path, no tool, no secret.</p></section>\n");
            return;
        }
        html.Append("<table>\n<thead><tr><th>kind</th><th>path</th><th>why</th></tr></thead>\n<tbody>\n");
        foreach (var finding in image.Surface)
            html.Append("<tr><td><span class=\"tag\">").Append(HtmlText.Escape(finding.Kind)).Append("</span></td><td class=\"mono\">")
                .Append(HtmlText.Escape(finding.Path)).Append("</td><td>").Append(HtmlText.Escape(finding.Detail)).Append("</td></tr>\n");
        html.Append("</tbody></table></section>\n");
    }

    private static void AppendPackages(StringBuilder html, IReadOnlyList<PackageFact> packages)
    {
        html.Append(CultureInfo.InvariantCulture, $"<section id=\"packages\"><h2>Packages ({packages.Count})</h2>\n");
        if (packages.Count == 0)
        {
            html.Append("<p class=\"clean\">No package database and no build information found.</p></section>\n");
            return;
        }
        html.Append("<input type=\"search\" id=\"package-filter\" placeholder=\"filter packages\" aria-label=\"filter packages\">\n")
            .Append("<table id=\"package-table\">\n<thead><tr><th>name</th><th>version</th><th>type</th><th>purl</th></tr></thead>\n<tbody>\n");
        foreach (var package in packages)
            html.Append("<tr><td>").Append(HtmlText.Escape(package.Name)).Append("</td><td class=\"mono\">").Append(HtmlText.Escape(package.Version))
                .Append("</td><td>").Append(HtmlText.Escape(package.Type)).Append("</td><td class=\"mono\">").Append(HtmlText.Escape(package.Purl))
                .Append("</td></tr>\n");
        html.Append("</tbody></table></section>\n");
    }

    private static string Short(string digest) => digest.Length > 19 && digest.StartsWith("sha256:", StringComparison.Ordinal) ? digest[..19] : digest;
}
