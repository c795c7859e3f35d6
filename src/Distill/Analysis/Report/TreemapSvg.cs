using System.Globalization;
using System.Text;
using Distill.Analysis.Compare;

namespace Distill.Analysis.Report;

/// <summary>
/// Draws a (pruned) <see cref="FileTreeNode"/> as a nested squarified treemap in inline SVG: each directory a framed box
/// with its name on top and its children inside, colored by top-level directory, a <c>&lt;title&gt;</c> tooltip on every box.
/// </summary>
public static class TreemapSvg
{
    private const double Header = 15;
    private const double MinimumBox = 4;

    public static string Render(FileTreeNode root, double width, double height)
    {
        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg class=\"treemap\" viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\" aria-label=\"filesystem treemap\">\n"));
        if (root.Size <= 0)
            svg.Append(Invariant($"<text x=\"{width / 2}\" y=\"{height / 2}\" text-anchor=\"middle\">no file content</text>\n"));
        else
            DrawChildren(svg, root, new TreemapRect(0, 0, width, height), depth: 0, hue: -1);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void DrawChildren(StringBuilder svg, FileTreeNode node, TreemapRect inside, int depth, int hue)
    {
        var children = node.Children.Where(c => c.Size > 0).ToList();
        var rects = Treemap.Squarify(children.Select(c => (double)c.Size).ToList(), inside);
        for (var i = 0; i < children.Count; i++)
            Draw(svg, children[i], rects[i], depth + 1, hue < 0 ? i * 47 % 360 : hue);
    }

    private static void Draw(StringBuilder svg, FileTreeNode node, TreemapRect r, int depth, int hue)
    {
        if (r.Width < 1 || r.Height < 1)
            return;
        var lightness = Math.Min(88, 48 + depth * 7 + (node.IsDirectory ? 0 : 8));
        var tooltip = HtmlText.Escape($"{node.Path} — {SizeText.Of(node.Size)}" + (node.IsDirectory ? $", {node.Files} files" : ""));
        svg.Append(Invariant($"<g><rect x=\"{r.X:0.##}\" y=\"{r.Y:0.##}\" width=\"{r.Width:0.##}\" height=\"{r.Height:0.##}\" fill=\"hsl({hue},55%,{lightness}%)\" stroke=\"#fff\" stroke-width=\"0.6\" data-path=\""));
        svg.Append(HtmlText.Escape(node.Path)).Append(Invariant($"\" data-size=\"{node.Size}\"><title>")).Append(tooltip).Append("</title></rect>");
        var opened = node.IsDirectory && node.Children.Count > 0 && r.Width > 3 * MinimumBox && r.Height > Header + 2 * MinimumBox;
        if (opened || (r.Width > 40 && r.Height > 14))
            Label(svg, node.Name + (node.IsDirectory ? "/" : ""), r, centered: !opened);
        svg.Append("</g>\n");
        if (opened)
            DrawChildren(svg, node, new TreemapRect(r.X + 2, r.Y + Header, r.Width - 4, r.Height - Header - 2), depth, hue);
    }

    /// <summary>The name, cut to what fits the box width (about 6.5 px a character at 11 px).</summary>
    private static void Label(StringBuilder svg, string name, TreemapRect r, bool centered)
    {
        var fits = (int)((r.Width - 6) / 6.5);
        if (fits < 2)
            return;
        var cut = Math.Max(1, fits - 1);
        if (cut < name.Length && char.IsHighSurrogate(name[cut - 1]))
            cut--;
        var text = name.Length <= fits ? name : name[..cut] + "…";
        var y = centered ? r.Y + Math.Min(r.Height / 2 + 4, 14) : r.Y + 11.5;
        svg.Append(Invariant($"<text x=\"{r.X + 3:0.##}\" y=\"{y:0.##}\">")).Append(HtmlText.Escape(text)).Append("</text>");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
