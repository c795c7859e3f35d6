using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using Distill.Analysis.Compare;
using Distill.Oci;

namespace Distill.Cli.Commands;

/// <summary>
/// <c>distill compare A B [--json|--markdown]</c>: two images side by side — sizes, the size ratio, layers, files,
/// packages, shells, package managers, setuid files. Both are read (from any transport) and analysed at the same time.
/// </summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var a = new Argument<string>("A") { Description = "First image (any transport); the ratio is A's size over B's" };
        var b = new Argument<string>("B") { Description = "Second image (any transport)" };
        var json = new Option<bool>("--json") { Description = "Print JSON: ratio, compressedRatio, a and b (sizes, layers, files, packages, shells, packageManagers, setuidFiles)" };
        var markdown = new Option<bool>("--markdown") { Description = "Print a GitHub Markdown table" };
        var platform = new Option<string>("--platform") { Description = "Platform to pick from multi-platform images", DefaultValueFactory = _ => "linux/amd64" };
        var registry = new RegistryOptions();
        var command = new Command("compare", "Compare two images side by side: sizes and ratio, layers, files, packages, shells, package managers, setuid files") { a, b, json, markdown, platform };
        registry.AddSourceTo(command);
        command.Validators.Add(result =>
        {
            if (result.GetValue(json) && result.GetValue(markdown))
                result.AddError("--json and --markdown cannot be used together");
        });
        command.SetAction((result, ct) => CommandRunner.RunAsync(async () =>
        {
            var references = new[] { result.GetValue(a)!, result.GetValue(b)! };
            var platformValue = Platform.Parse(result.GetValue(platform)!);
            var analyses = await Task.WhenAll(references.Select(r => AnalyzeAsync(r, registry.Create(result, platformValue, ImageReference.Parse(r), null), ct)));
            var comparison = new ImageComparison(analyses[0].Facts(), analyses[1].Facts());
            await Console.Out.WriteAsync(result.GetValue(json) ? Json(comparison) + "\n"
                : result.GetValue(markdown) ? ComparisonTable.Markdown(comparison) : ComparisonTable.Text(comparison));
            return 0;
        }));
        return command;
    }

    /// <summary>Reads and analyses one image; also used by <c>distill report</c>.</summary>
    internal static async Task<ImageAnalysis> AnalyzeAsync(string reference, TransportOptions options, CancellationToken ct)
    {
        var image = await Transports.ReadAsync(ImageReference.Parse(reference), options, ct);
        return await ImageAnalysis.ReadAsync(image, reference, ct);
    }

    /// <summary>Paths stay readable (the output is not embedded in HTML).</summary>
    private static readonly CompareJsonContext JsonContext = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
    });

    internal static string Json(ImageComparison comparison) => JsonSerializer.Serialize(
        new CompareJsonReport(Finite(comparison.Ratio), Finite(comparison.CompressedRatio), Side(comparison.A), Side(comparison.B)), JsonContext.CompareJsonReport);

    private static double? Finite(double ratio) => double.IsFinite(ratio) ? ratio : null;

    private static CompareJsonImage Side(ImageFacts facts) => new(facts.Reference, facts.Digest, facts.CompressedSize, facts.UncompressedSize,
        facts.Layers, facts.Files, facts.Packages.Count,
        facts.Packages.GroupBy(p => p.Type, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal), facts.Shells, facts.PackageManagers, facts.SetuidFiles);
}
