using System.Text;

namespace Distill.Analysis.Compare;

/// <summary><c>distill compare</c>'s two text forms: an aligned table for the terminal and a GitHub Markdown table.</summary>
public static class ComparisonTable
{
    public static string Text(ImageComparison comparison)
    {
        var rows = ComparisonRows.Of(comparison);
        var header = new ComparisonRow("", comparison.A.Reference, comparison.B.Reference);
        var all = rows.Prepend(header).ToList();
        int labelWidth = all.Max(r => r.Label.Length), aWidth = all.Max(r => r.A.Length);
        var text = new StringBuilder();
        foreach (var row in all)
            text.Append(row.Label.PadRight(labelWidth)).Append("  ").Append(row.A.PadRight(aWidth)).Append("  ").Append(row.B).Append('\n');
        text.Append('\n').Append(Summary(comparison)).Append('\n');
        return text.ToString();
    }

    public static string Markdown(ImageComparison comparison)
    {
        var text = new StringBuilder();
        text.Append("| | ").Append(Cell(comparison.A.Reference)).Append(" | ").Append(Cell(comparison.B.Reference)).Append(" |\n| --- | ---: | ---: |\n");
        foreach (var row in ComparisonRows.Of(comparison))
            text.Append("| ").Append(Cell(row.Label)).Append(" | ").Append(Cell(row.A)).Append(" | ").Append(Cell(row.B)).Append(" |\n");
        text.Append('\n').Append(Cell(Summary(comparison))).Append('\n');
        return text.ToString();
    }

    /// <summary><c>A is 656× the size of B (451× compressed)</c>.</summary>
    public static string Summary(ImageComparison comparison) =>
        $"{comparison.A.Reference} is {SizeText.Ratio(comparison.Ratio)} the size of {comparison.B.Reference} ({SizeText.Ratio(comparison.CompressedRatio)} compressed)";

    /// <summary>A Markdown table cell: pipes escaped, line breaks and other Markdown-active characters made literal.</summary>
    private static string Cell(string text)
    {
        var cell = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '|' or '\\' or '`' or '*' or '_' or '<' or '>' or '[' or ']')
                cell.Append('\\').Append(c);
            else if (char.IsControl(c))
                cell.Append(' ');
            else
                cell.Append(c);
        }
        return cell.ToString();
    }
}
