using System.Globalization;
using System.Text;
using Distill.Analysis.Compare;

namespace Distill.Analysis.Report;

/// <summary>
/// The before/after chart: one horizontal bar per image and size (uncompressed, compressed), to a common linear scale so
/// the difference reads as it is; a bar too small to see still gets a 2-pixel stub and its label.
/// </summary>
public static class SizeChart
{
    private const double Width = 1200;
    private const double LabelWidth = 330;
    private const double Bar = 26;
    private const double Gap = 10;

    public static string Render(ImageComparison comparison)
    {
        var rows = new[]
        {
            (comparison.A.Reference, "uncompressed", comparison.A.UncompressedSize, "bar-a"),
            (comparison.B.Reference, "uncompressed", comparison.B.UncompressedSize, "bar-b"),
            (comparison.A.Reference, "compressed", comparison.A.CompressedSize, "bar-a"),
            (comparison.B.Reference, "compressed", comparison.B.CompressedSize, "bar-b"),
        };
        var max = Math.Max(1, rows.Max(r => r.Item3));
        var height = rows.Length * (Bar + Gap) + Gap;
        var plot = Width - LabelWidth - 110;
        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg class=\"chart\" viewBox=\"0 0 {Width} {height}\" width=\"100%\" role=\"img\" aria-label=\"size before and after\">\n"));
        for (var i = 0; i < rows.Length; i++)
        {
            var (reference, kind, size, css) = rows[i];
            var y = Gap + i * (Bar + Gap);
            var length = Math.Max(2, plot * size / max);
            var label = Shorten(reference, 28) + " · " + kind;
            svg.Append(Invariant($"<text x=\"{LabelWidth - 8}\" y=\"{y + Bar * 0.68:0.##}\" text-anchor=\"end\">")).Append(HtmlText.Escape(label)).Append("</text>")
                .Append(Invariant($"<rect class=\"{css}\" x=\"{LabelWidth}\" y=\"{y}\" width=\"{length:0.##}\" height=\"{Bar}\" rx=\"3\"><title>"))
                .Append(HtmlText.Escape($"{reference} {kind}: {SizeText.Of(size)} ({size} bytes)")).Append("</title></rect>")
                .Append(Invariant($"<text x=\"{LabelWidth + length + 6:0.##}\" y=\"{y + Bar * 0.68:0.##}\">")).Append(SizeText.Of(size)).Append("</text>\n");
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : "…" + text[^(max - 1)..];

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
