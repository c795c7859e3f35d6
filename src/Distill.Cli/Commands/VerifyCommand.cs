using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using Distill.Analysis;
using Distill.Oci;

namespace Distill.Cli.Commands;

/// <summary>
/// <c>distill verify IMAGE [--json]</c>: can the image's entrypoint start? Checked statically (see
/// <see cref="ImageVerifier"/>). Exit code 0 when runnable, 1 on problems, 2 on usage errors or an image that cannot be read.
/// </summary>
internal static class VerifyCommand
{
    public const int UsageError = 2;

    public static Command Create()
    {
        var image = new Argument<string>("IMAGE") { Description = "Image reference (oci:DIR[:TAG], oci-archive:FILE, docker-archive:FILE, docker://HOST/REPO[:TAG], NAME[:TAG]: the local store, then a registry)" };
        var json = new Option<bool>("--json") { Description = "Print {\"ok\": bool, \"findings\": [{\"rule\", \"severity\", \"message\", \"path\"}]}" };
        var platform = new Option<string>("--platform") { Description = "Platform to pick from a multi-platform image", DefaultValueFactory = _ => "linux/amd64" };
        var registry = new RegistryOptions();
        var command = new Command("verify", "Check that an image's entrypoint can run: file, interpreter, libraries, user — without running it") { image, json, platform };
        registry.AddSourceTo(command);
        command.SetAction((result, ct) => RunAsync(result, registry, result.GetValue(image)!, result.GetValue(platform)!, result.GetValue(json), ct));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult result, RegistryOptions registry, string reference, string platform, bool json, CancellationToken ct)
    {
        VerifyReport report;
        try
        {
            var source = ImageReference.Parse(reference);
            var options = registry.Create(result, Platform.Parse(platform), source, null);
            var image = await Transports.ReadAsync(source, options, ct);
            report = await ImageVerifier.VerifyAsync(image, ct);
        }
        catch (Exception e) when (CommandRunner.IsExpected(e) || e is NotSupportedException)
        {
            await Console.Error.WriteLineAsync($"distill: error: {e.Message}");
            return UsageError;
        }
        await Console.Out.WriteAsync(json ? Json(report) + "\n" : Text(report));
        return report.Ok ? 0 : 1;
    }

    internal static string Text(VerifyReport report)
    {
        var lines = report.Findings.Select(f => f.ToString()).ToList();
        var errors = report.Findings.Count(f => f.Severity == VerifySeverity.Error);
        lines.Add(report.Ok
            ? $"ok: {report.Command} can run" + (report.Findings.Count > 0 ? $" ({report.Findings.Count} warning{(report.Findings.Count == 1 ? "" : "s")})" : "")
            : $"{errors} problem{(errors == 1 ? "" : "s")}: the image cannot run as configured");
        return string.Join('\n', lines) + "\n";
    }

    /// <summary>Paths and quotes in messages stay readable (the output is not embedded in HTML).</summary>
    private static readonly VerifyJsonContext JsonContext = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    });

    internal static string Json(VerifyReport report) => JsonSerializer.Serialize(
        new VerifyJsonReport(report.Ok, report.Findings.Select(f => new VerifyJsonFinding(f.Rule.Id, f.Severity == VerifySeverity.Error ? "error" : "warning", f.Message, f.Path)).ToList()),
        JsonContext.VerifyJsonReport);
}
