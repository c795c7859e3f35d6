using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Distill.Dockerfile;
using Distill.Oci;

namespace Distill.Cli.Commands;

/// <summary>
/// <c>distill lint [-f FILE] [CONTEXT] [--json]</c>: BuildKit's build checks on a Dockerfile, one line per finding
/// (<c>FILE:LINE:COL: Rule: message</c>, with the source line and a caret when writing to a terminal), or JSON.
/// Exit code 0 when clean, 1 on findings or errors, 2 on usage errors (such as a missing Dockerfile).
/// </summary>
internal static class LintCommand
{
    public const int UsageError = 2;

    public static Command Create()
    {
        var context = new Argument<string>("CONTEXT") { Description = "Build context directory", DefaultValueFactory = _ => "." };
        var file = new Option<string?>("--file", "-f") { Description = "The Dockerfile (default: CONTEXT/Dockerfile)" };
        var json = new Option<bool>("--json") { Description = "Print the findings as JSON: {\"findings\":[…]}" };
        var command = new Command("lint", "Check a Dockerfile with BuildKit's build checks") { context, file, json };
        command.SetAction((result, ct) => RunAsync(result.GetValue(context)!, result.GetValue(file), result.GetValue(json), ct));
        return command;
    }

    private static async Task<int> RunAsync(string contextDir, string? file, bool json, CancellationToken ct)
    {
        if (!Directory.Exists(contextDir))
        {
            await Console.Error.WriteLineAsync($"distill: error: build context {contextDir}: no such directory");
            return UsageError;
        }
        var path = file ?? (contextDir is "." or "./" ? "Dockerfile" : Path.Join(contextDir, "Dockerfile"));
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, ct);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            await Console.Error.WriteLineAsync($"distill: error: {path}: no such Dockerfile");
            return UsageError;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"distill: error: {path}: {e.Message}");
            return UsageError;
        }
        DockerIgnore ignore;
        try
        {
            ignore = DockerIgnore.Load(contextDir, path);
        }
        catch (DockerIgnoreException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }
        // CopyIgnoredFile is experimental in BuildKit; Distill runs it by default (COPY of the whole context is never flagged)
        var report = DockerfileLinter.Lint(text, path, new LintOptions
        {
            BaseImageEnv = LocalImageEnv,
            IsIgnored = ignore.IsExcluded,
            Experimental = new HashSet<string>(StringComparer.Ordinal) { LintRules.CopyIgnoredFile.Name },
        });
        await Console.Out.WriteAsync(json ? Json(report) + "\n" : Text(report, withSource: !Console.IsOutputRedirected));
        return report.IsClean ? 0 : 1;
    }

    /// <summary>One line per finding; with <paramref name="withSource"/>, each followed by its source line and a caret under the column.</summary>
    internal static string Text(LintReport report, bool withSource)
    {
        var output = new StringBuilder();
        foreach (var finding in report.Findings)
        {
            output.Append(finding).Append('\n');
            if (withSource)
                AppendSource(output, finding, report.Lines);
        }
        return output.ToString();
    }

    private static void AppendSource(StringBuilder output, LintFinding finding, IReadOnlyList<string> lines)
    {
        var number = finding.Range.StartLine;
        if (number < 1 || number > lines.Count)
            return;
        var line = lines[number - 1];
        var gutter = number.ToString(CultureInfo.InvariantCulture);
        output.Append(' ').Append(gutter).Append(" | ").Append(line).Append('\n');
        var start = Math.Clamp(finding.Range.StartColumn - 1, 0, line.Length);
        var end = finding.Range.EndLine == number ? Math.Clamp(finding.Range.EndColumn, start + 1, Math.Max(start + 1, line.Length)) : Math.Max(start + 1, line.Length);
        // keep tabs so the caret lines up under tab-indented text
        var padding = new string(line.Take(start).Select(c => c == '\t' ? '\t' : ' ').ToArray());
        output.Append(' ').Append(' ', gutter.Length).Append(" | ").Append(padding).Append('^').Append('~', end - start - 1).Append('\n');
    }

    /// <summary>Quotes and apostrophes in messages stay readable (the output is not embedded in HTML).</summary>
    private static readonly LintJsonContext JsonContext = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    });

    internal static string Json(LintReport report)
    {
        var findings = report.Findings.Select(f => new LintJsonFinding(f.Rule.Name, f.Severity == LintSeverity.Error ? "error" : "warning", f.Message,
            f.File, f.Range.StartLine, f.Range.StartColumn, f.Range.EndLine, f.Range.EndColumn, f.Rule.Url)).ToList();
        return JsonSerializer.Serialize(new LintJsonReport(findings), JsonContext.LintJsonReport);
    }

    /// <summary>A base image's environment when it is in the local store; null when it is not (the linter then assumes common variables).</summary>
    private static IReadOnlyDictionary<string, string>? LocalImageEnv(string image)
    {
        try
        {
            if (!ImageName.TryParse(image, out var name) || name is null)
                return null;
            var store = LocalStore.Default;
            if (!store.Contains(name))
                return null;
            var env = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in store.Read(name, Platform.LinuxAmd64).Config.Config?.Env ?? [])
            {
                var eq = entry.IndexOf('=', StringComparison.Ordinal);
                env[eq < 0 ? entry : entry[..eq]] = eq < 0 ? "" : entry[(eq + 1)..];
            }
            return env;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidImageException or FormatException)
        {
            return null;
        }
    }
}
