using System.Globalization;

namespace Distill.Analysis.Compare;

/// <summary>The rows of the comparison table, shared by <c>distill compare</c>'s text and Markdown and the HTML report.</summary>
public static class ComparisonRows
{
    /// <summary>How many names a cell lists before "…".</summary>
    public const int NamesShown = 4;

    public static IReadOnlyList<ComparisonRow> Of(ImageComparison comparison)
    {
        var (a, b) = (comparison.A, comparison.B);
        return
        [
            new("uncompressed size", SizeText.Of(a.UncompressedSize), SizeText.Of(b.UncompressedSize)),
            new("compressed size", SizeText.Of(a.CompressedSize), SizeText.Of(b.CompressedSize)),
            new("layers", Count(a.Layers), Count(b.Layers)),
            new("files", Count(a.Files), Count(b.Files)),
            new("packages", Count(a.Packages.Count), Count(b.Packages.Count)),
            new("shells", Names(a.Shells), Names(b.Shells)),
            new("package managers", Names(a.PackageManagers), Names(b.PackageManagers)),
            new("setuid/setgid files", Names(a.SetuidFiles), Names(b.SetuidFiles)),
        ];
    }

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary><c>3 (bash, dash, sh)</c>: the count, then the first base names.</summary>
    private static string Names(IReadOnlyList<string> paths)
    {
        if (paths.Count == 0)
            return "0";
        var names = paths.Select(p => p[(p.LastIndexOf('/') + 1)..]).Distinct(StringComparer.Ordinal).ToList();
        var shown = string.Join(", ", names.Take(NamesShown)) + (names.Count > NamesShown ? ", …" : "");
        return $"{paths.Count} ({shown})";
    }
}
