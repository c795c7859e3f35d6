using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Distill.Analysis;
using Distill.Build;

namespace Distill.Cli;

/// <summary>
/// The build's progress on stderr: BuildKit's plain lines (<c>#7 [build 3/5] RUN ...</c>, output lines prefixed
/// with the step and its elapsed seconds, <c>#7 CACHED</c>, <c>#7 DONE 1.2s</c>); with <c>json</c>, one JSON object a
/// line (event, step, stage, index, count, text, seconds; a verify <c>finding</c> adds rule, severity and path). On a terminal (<c>tty</c>) <see cref="For"/> picks the live
/// view, <see cref="TtyBuildProgress"/>.
/// </summary>
internal sealed class BuildProgressPrinter : IBuildProgress
{
    private readonly string _mode;
    private readonly TextWriter _out;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<int, long> _starts = [];
    private readonly Lock _gate = new();

    public BuildProgressPrinter(string mode, TextWriter output)
    {
        _mode = mode;
        _out = output;
    }

    public static IReadOnlyList<string> Modes { get; } = ["auto", "tty", "plain", "json"];

    /// <summary>
    /// The progress for a <c>--progress</c> mode on stderr: the live view for <c>tty</c>, and for <c>auto</c> when stderr
    /// is a terminal that can move its cursor; lines otherwise. Dispose it (when it is disposable) before writing anything
    /// else to the terminal.
    /// </summary>
    public static IBuildProgress For(string mode, TextWriter output)
    {
        var terminal = !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") is not "dumb";
        return mode switch
        {
            "tty" => TtyBuildProgress.ForConsole(output),
            "auto" when terminal => TtyBuildProgress.ForConsole(output),
            "auto" => new BuildProgressPrinter("plain", output),
            _ => new BuildProgressPrinter(mode, output),
        };
    }

    public void Started(BuildStep step)
    {
        lock (_gate)
            _starts[step.Id] = _clock.ElapsedMilliseconds;
        Write("started", step, step.ToString(), null, $"#{step.Id} {step}");
    }

    public void Cached(BuildStep step) => Write("cached", step, step.ToString(), null, $"#{step.Id} CACHED");

    public void Output(BuildStep step, string line)
    {
        var seconds = Seconds(step);
        Write("output", step, line, seconds, $"#{step.Id} {seconds.ToString("0.000", CultureInfo.InvariantCulture)} {line}");
    }

    public void Completed(BuildStep step, TimeSpan elapsed) =>
        Write("done", step, step.ToString(), elapsed.TotalSeconds, $"#{step.Id} DONE {elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)}s");

    public void Failed(BuildStep step, string error) => Write("failed", step, error, null, $"#{step.Id} ERROR: {error}");

    public void Message(string text) => Write("message", null, text, null, text);

    /// <summary>Plain: <c>#9 warning: MESSAGE [rule]</c> as verify prints it; json: a <c>finding</c> event with rule, severity and path.</summary>
    public void Finding(BuildStep step, VerifyFinding finding) => Write("finding", step, finding.Message, null, $"#{step.Id} {finding}", finding);

    private double Seconds(BuildStep step)
    {
        lock (_gate)
        {
            var started = _starts.TryGetValue(step.Id, out var s) ? s : 0;
            return (_clock.ElapsedMilliseconds - started) / 1000.0;
        }
    }

    private void Write(string kind, BuildStep? step, string text, double? seconds, string plain, VerifyFinding? finding = null)
    {
        string line;
        if (_mode == "json")
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                writer.WriteStartObject();
                writer.WriteString("event", kind);
                writer.WriteNumber("time", Math.Round(_clock.Elapsed.TotalSeconds, 3));
                if (step is not null)
                {
                    if (step.Id > 0)
                        writer.WriteNumber("step", step.Id);
                    writer.WriteString("stage", step.Stage);
                    writer.WriteNumber("index", step.Index);
                    writer.WriteNumber("count", step.Count);
                }
                if (finding is not null)
                {
                    writer.WriteString("rule", finding.Rule.Id);
                    writer.WriteString("severity", finding.Severity == VerifySeverity.Error ? "error" : "warning");
                    if (finding.Path is not null)
                        writer.WriteString("path", finding.Path);
                }
                writer.WriteString(kind == "output" ? "line" : "text", text);
                if (seconds is { } s)
                    writer.WriteNumber("seconds", Math.Round(s, 3));
                writer.WriteEndObject();
            }
            line = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        }
        else
        {
            line = plain;
        }
        lock (_gate)
            _out.WriteLine(line);
    }

}
