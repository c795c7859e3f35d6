using System.CommandLine;
using System.Text;
using Distill.Analysis.Report;
using Distill.Oci;

namespace Distill.Cli.Commands;

/// <summary>
/// <c>distill report IMAGE [--compare OTHER] --html FILE</c>: one self-contained HTML page (inline CSS, SVG and script,
/// nothing fetched) with the before/after chart, a treemap of the filesystem, layers, attack surface and packages.
/// </summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var image = new Argument<string>("IMAGE") { Description = "Image to report on (any transport)" };
        var compare = new Option<string?>("--compare") { Description = "Another image to chart against (any transport): the before/after sizes" };
        var html = new Option<string>("--html") { Description = "Write the HTML report to this file (atomically)", Required = true };
        var treemapNodes = new Option<int>("--treemap-nodes") { Description = "Most boxes the filesystem treemap draws", DefaultValueFactory = _ => ReportImages.TreemapNodes };
        var platform = new Option<string>("--platform") { Description = "Platform to pick from multi-platform images", DefaultValueFactory = _ => "linux/amd64" };
        var registry = new RegistryOptions();
        var command = new Command("report", "Write a self-contained HTML report: sizes, filesystem treemap, layers, attack surface, packages") { image, compare, html, treemapNodes, platform };
        registry.AddSourceTo(command);
        command.SetAction((result, ct) => CommandRunner.RunAsync(async () =>
        {
            var nodes = result.GetValue(treemapNodes);
            if (nodes < 1)
                throw new FormatException("--treemap-nodes must be 1 or more");
            if (result.GetValue(html) is "")
                throw new FormatException("--html needs a file name");
            var platformValue = Platform.Parse(result.GetValue(platform)!);
            var references = new[] { result.GetValue(image)!, result.GetValue(compare) }.OfType<string>().ToList();
            var analyses = await Task.WhenAll(references.Select(r => CompareCommand.AnalyzeAsync(r, registry.Create(result, platformValue, ImageReference.Parse(r), null), ct)));
            var pages = analyses.Select(a => ReportImages.From(a, nodes)).ToList();
            var file = result.GetValue(html)!;
            await BlobFiles.WriteAtomicAsync(file, Encoding.UTF8.GetBytes(HtmlReport.Render(pages[0], pages.Count > 1 ? pages[1] : null)), ct);
            Console.WriteLine($"Wrote {file}");
            return 0;
        }));
        return command;
    }
}
