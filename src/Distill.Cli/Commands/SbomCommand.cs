using System.CommandLine;
using System.Globalization;
using System.Reflection;
using Distill.Analysis.Sbom;
using Distill.Oci;

namespace Distill.Cli.Commands;

/// <summary>
/// <c>distill sbom IMAGE --format spdx-json|cyclonedx-json [-o FILE]</c>: the image's packages (dpkg, apk, Go build
/// info, .NET deps.json) as an SPDX 2.3 or CycloneDX 1.6 document; the same image gives the same bytes.
/// </summary>
internal static class SbomCommand
{
    public static Command Create()
    {
        var image = new Argument<string>("IMAGE") { Description = "Image reference (oci:DIR[:TAG], oci-archive:FILE, docker-archive:FILE, docker://REF, NAME[:TAG]: the local store, then a registry)" };
        var format = new Option<string>("--format") { Description = "spdx-json (SPDX 2.3) or cyclonedx-json (CycloneDX 1.6)", DefaultValueFactory = _ => "spdx-json" };
        format.AcceptOnlyFromAmong("spdx-json", "cyclonedx-json");
        var output = new Option<string?>("--output", "-o") { Description = "Write the document to FILE (atomically) instead of standard output" };
        var platform = new Option<string>("--platform") { Description = "Platform to pick from a multi-platform image", DefaultValueFactory = _ => "linux/amd64" };
        var registry = new RegistryOptions();
        var command = new Command("sbom", "Write a software bill of materials (SPDX or CycloneDX JSON) of an image's packages") { image, format, output, platform };
        registry.AddSourceTo(command);
        command.SetAction((result, ct) => CommandRunner.RunAsync(async () =>
        {
            if (result.GetValue(output) is "")
                throw new FormatException("--output needs a file name");
            var reference = ImageReference.Parse(result.GetValue(image)!);
            var options = registry.Create(result, Platform.Parse(result.GetValue(platform)!), reference, null);
            var epoch = SourceDateEpoch();
            var img = await Transports.ReadAsync(reference, options, ct);
            var subject = SbomSubject.From(reference, img, ToolVersion, epoch);
            var kind = result.GetValue(format) == "cyclonedx-json" ? SbomFormat.CycloneDxJson : SbomFormat.SpdxJson;
            var (document, inventory) = await SbomGenerator.CreateAsync(img, subject, kind, ct);
            foreach (var problem in inventory.Problems)
                await Console.Error.WriteLineAsync($"distill: warning: {problem}");
            if (result.GetValue(output) is { } file)
                await BlobFiles.WriteAtomicAsync(file, document, ct);
            else
            {
                await using var stdout = Console.OpenStandardOutput();
                await stdout.WriteAsync(document, ct);
            }
            return 0;
        }));
        return command;
    }

    /// <summary>The CLI's version without the source revision suffix (<c>1.0.0</c>).</summary>
    internal static string ToolVersion =>
        (typeof(SbomCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0").Split('+')[0];

    /// <summary><c>SOURCE_DATE_EPOCH</c> (reproducible-builds.org), when set: the document's creation time.</summary>
    private static long? SourceDateEpoch()
    {
        var value = Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH");
        if (string.IsNullOrEmpty(value))
            return null;
        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? seconds
            : throw new FormatException($"SOURCE_DATE_EPOCH must be a number of seconds, not \"{value}\"");
    }
}
