using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using Distill.Analysis.Inspect;
using Distill.Analysis.Inventory;
using Distill.Oci;

namespace Distill.Cli.Commands;

/// <summary>
/// <c>distill inspect IMAGE [--json] [gates]</c>: layers, sizes, largest paths, wasted space and efficiency (as dive
/// counts them) and the attack surface, from any transport in one streaming pass (<see cref="ImageInspector"/>).
/// Exit code 0, 1 when a gate fails (one line per reason on stderr), 2 on usage errors or an image that cannot be read.
/// </summary>
internal static class InspectCommand
{
    public const int UsageError = 2;

    public static Command Create()
    {
        var image = new Argument<string>("IMAGE") { Description = "Image reference (oci:DIR[:TAG], oci-archive:FILE, docker-archive:FILE, docker://REF, NAME[:TAG] in the local store or a registry)" };
        var json = new Option<bool>("--json") { Description = "Print the inspection as JSON" };
        var platform = new Option<string>("--platform") { Description = "Platform to pick from a multi-platform image", DefaultValueFactory = _ => "linux/amd64" };
        var top = new Option<int>("--top") { Description = "How many largest files, directories and wasted paths to list", DefaultValueFactory = _ => 10 };
        var maxSize = new Option<string?>("--max-size") { Description = "Fail (exit 1) when the uncompressed size is over SIZE (bytes, or 10MB, 1.5GiB: MB = 1000², MiB = 1024²)" };
        var maxWasted = new Option<string?>("--max-wasted") { Description = "Fail when the wasted space (as dive counts it) is over SIZE" };
        var minEfficiency = new Option<string?>("--min-efficiency") { Description = "Fail when dive's efficiency score is under this (0 to 1)" };
        var failOn = new Option<string[]>("--fail-on") { Description = $"Fail when the image has any of these (comma-separated, repeatable): {string.Join(", ", AttackSurfaceKinds.All)}" };
        var registry = new RegistryOptions();
        var command = new Command("inspect", "Show an image's layers, sizes, wasted space and attack surface; fail CI on limits") { image, json, platform, top, maxSize, maxWasted, minEfficiency, failOn };
        registry.AddSourceTo(command);
        command.SetAction(async (result, ct) =>
        {
            InspectGates gates;
            ImageReference reference;
            Platform platformValue;
            try
            {
                gates = new InspectGates
                {
                    MaxSize = result.GetValue(maxSize) is { } size ? ByteSize.Parse(size) : null,
                    MaxWasted = result.GetValue(maxWasted) is { } wasted ? ByteSize.Parse(wasted) : null,
                    MinEfficiency = result.GetValue(minEfficiency) is { } efficiency ? ParseEfficiency(efficiency) : null,
                    FailOn = InspectGates.ParseKinds(result.GetValue(failOn) ?? []),
                };
                reference = ImageReference.Parse(result.GetValue(image)!);
                platformValue = Platform.Parse(result.GetValue(platform)!);
                if (result.GetValue(top) < 0)
                    throw new FormatException("--top must be 0 or more");
            }
            catch (FormatException e)
            {
                await Console.Error.WriteLineAsync($"distill: error: {e.Message}");
                return UsageError;
            }
            var options = registry.Create(result, platformValue, reference, null);
            return await RunAsync(reference, options, new InspectOptions { Reference = result.GetValue(image)!, Top = result.GetValue(top) }, gates, result.GetValue(json), ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(ImageReference reference, TransportOptions transport, InspectOptions options, InspectGates gates, bool json, CancellationToken ct)
    {
        ImageInspection inspection;
        try
        {
            var image = await Transports.ReadAsync(reference, transport, ct);
            inspection = await ImageInspector.InspectAsync(image, options, ct);
        }
        catch (Exception e) when (CommandRunner.IsExpected(e) || e is NotSupportedException)
        {
            await Console.Error.WriteLineAsync($"distill: error: {e.Message}");
            return UsageError;
        }
        var failures = gates.Check(inspection);
        await Console.Out.WriteAsync(json ? Json(inspection, failures) + "\n" : InspectText.Render(inspection));
        foreach (var failure in failures)
            await Console.Error.WriteLineAsync($"distill: gate failed: {failure}");
        return failures.Count == 0 ? 0 : 1;
    }

    private static double ParseEfficiency(string text) =>
        double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value is >= 0 and <= 1
            ? value
            : throw new FormatException($"invalid --min-efficiency \"{text}\": use a number from 0 to 1");

    /// <summary>Paths and commands in the output stay readable (it is not embedded in HTML).</summary>
    private static readonly InspectJsonContext JsonContext = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
    });

    internal static string Json(ImageInspection inspection, IReadOnlyList<string> failures)
    {
        var config = inspection.Config;
        var fs = inspection.Filesystem;
        var report = new InspectJsonReport
        {
            Reference = inspection.Reference,
            Digest = inspection.Digest.ToString(),
            MediaType = inspection.Manifest.MediaType,
            Platform = inspection.Platform.ToString(),
            Created = inspection.Created,
            Config = new InspectJsonConfig(config.Entrypoint, config.Cmd, config.User ?? "", config.WorkingDir, config.Env ?? [],
                (config.ExposedPorts?.Keys ?? []).Order(StringComparer.Ordinal).ToList()),
            CompressedSize = inspection.CompressedSize,
            UncompressedSize = inspection.UncompressedSize,
            FilesSize = fs.FilesSize,
            FileCount = fs.FileCount,
            DirectoryCount = fs.DirectoryCount,
            SymlinkCount = fs.SymlinkCount,
            Layers = inspection.Layers.Select(l => new InspectJsonLayer(l.Index, l.Digest.ToString(), l.DiffId.ToString(), l.MediaType, l.CompressedSize,
                l.UncompressedSize, l.FilesSize, l.EntryCount, l.CreatedBy, l.Created)).ToList(),
            LargestFiles = fs.LargestFiles.Select(p => new InspectJsonPath(p.Path, p.Size, p.Layer)).ToList(),
            LargestDirectories = fs.LargestDirectories.Select(p => new InspectJsonPath(p.Path, p.Size, p.Layer)).ToList(),
            WastedBytes = inspection.Wasted.Bytes,
            Efficiency = inspection.Wasted.Efficiency,
            WastedPaths = inspection.Wasted.Largest.Select(p => new InspectJsonWastedPath(p.Path, p.Versions, p.Bytes)).ToList(),
            RootUser = inspection.RunsAsRoot,
            Shells = Findings(inspection, AttackSurfaceKind.Shell),
            PackageManagers = Findings(inspection, AttackSurfaceKind.PackageManager),
            SetuidFiles = Findings(inspection, AttackSurfaceKind.Setuid),
            WorldWritable = Findings(inspection, AttackSurfaceKind.WorldWritable),
            Compilers = Findings(inspection, AttackSurfaceKind.Compiler),
            NetworkTools = Findings(inspection, AttackSurfaceKind.NetworkTool),
            Secrets = Findings(inspection, AttackSurfaceKind.Secret),
            Packages = inspection.Packages.Distinct().Select(p => new InspectJsonPackage(p.Name, p.Version, p.Type.PurlType(), p.Purl, p.Locations)).ToList(),
            GateFailures = failures,
        };
        return JsonSerializer.Serialize(report, JsonContext.InspectJsonReport);
    }

    private static List<InspectJsonFinding> Findings(ImageInspection inspection, AttackSurfaceKind kind) =>
        inspection.Findings(kind).Select(f => new InspectJsonFinding(f.Path!, f.Layer ?? -1, f.Presence.ToString().ToLowerInvariant(), f.Detail)).ToList();
}
