using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Distill.Dockerfile;
using Distill.Oci;

namespace Distill.Build;

/// <summary>
/// Runs one stage's instructions in order: metadata instructions change the config (and add history with
/// <c>empty_layer</c>), RUN/COPY/ADD produce a snapshot each (or find it in the cache), WORKDIR's directory is made by
/// the next such step. Words are expanded as BuildKit expands them: ENV first, then the stage's ARGs.
/// </summary>
internal sealed partial class StageBuilder
{
    private const string DefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private readonly BuildExecutor _build;
    private readonly StageNode _node;
    private readonly Stage _stage;
    private readonly string _label;
    private readonly int _stepCount;
    private readonly ShellLex _lex;
    private readonly Dictionary<string, string?> _args = new(StringComparer.Ordinal);
    private readonly List<StageLayer> _layers = [];
    private readonly List<HistoryEntry> _history = [];
    private ImageConfig _config = null!;
    private List<string> _env = [];
    private List<string> _shell = ["/bin/sh", "-c"];
    private string _key = "";
    // WORKDIRs not yet made (with the USER at each): the next layer step makes them, as BuildKit makes each one
    private readonly List<(string Path, string? User)> _pendingWorkdirs = [];
    private bool _cmdSet;
    private int _stepIndex = 1;

    public StageBuilder(BuildExecutor build, StageNode node)
    {
        _build = build;
        _node = node;
        _stage = node.Stage;
        _label = _stage.Name ?? $"stage-{_stage.Index}";
        _stepCount = 1 + _stage.Instructions.Count(i => i is RunInstruction or CopyInstruction or WorkdirInstruction);
        _lex = new ShellLex(new ShellLexOptions { EscapeToken = build.Document.Parsed.EscapeToken });
    }

    private string Location(Instruction at) => $"{_build.Document.File}:{at.Range.StartLine}";

    public async Task<StageOutput> BuildAsync(CancellationToken ct)
    {
        await FromAsync(ct);
        foreach (var instruction in OnBuildTriggers().Concat(_stage.Instructions))
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                await DispatchAsync(instruction, ct);
            }
            catch (ShellExpansionException e)
            {
                throw new BuildException($"{Location(instruction)}: {instruction.Keyword}: {e.Message}");
            }
        }
        if (_pendingWorkdirs.Count > 0)
            await WorkdirLayerAsync(ct);
        var config = _config with
        {
            Config = (_config.Config ?? new ContainerConfig()) with { Env = _env },
            History = _history,
        };
        return new StageOutput(_label, config, _layers, _key, _shell);
    }

    private async Task FromAsync(CancellationToken ct)
    {
        var platform = _node.Platform is { } p ? Platform.Parse(p) : _build.Options.Platform;
        if (_node.BaseImage is null)
        {
            var baseStage = _node.Dependencies.First(d => d.At == _stage.From).Stage;
            var parent = await _build.StageAsync(baseStage.Index, ct);
            _config = parent.Config;
            _layers.AddRange(parent.Layers);
            _history.AddRange(parent.Config.History ?? []);
            _key = parent.Key;
            _shell = [.. parent.Shell];
        }
        else if (string.Equals(_node.BaseImage, "scratch", StringComparison.OrdinalIgnoreCase))
        {
            // BuildKit's empty image: WorkingDir "/" (and the default PATH, added below)
            _config = ImageConfig.Empty(platform) with { Config = new ContainerConfig { WorkingDir = "/" } };
            _key = CacheKey.Of("scratch", platform.ToString());
        }
        else
        {
            var step = _build.NewStep(_label, 1, _stepCount, $"FROM {_stage.From.BaseName}{(_stage.Name is null ? "" : " AS " + _stage.From.StageName)}");
            _build.Progress.Started(step);
            var started = Stopwatch.GetTimestamp();
            IImage image;
            try
            {
                image = await _build.ImageAsync(_node.BaseImage, platform, ct);
            }
            catch (Exception e) when (e is not (OperationCanceledException or BuildException))
            {
                throw new BuildException($"{Location(_stage.From)}: FROM {_node.BaseImage}: {e.Message}", e);
            }
            _config = image.Config;
            _history.AddRange(image.Config.History ?? []);
            var baseLayers = StageLayer.FromImage(image);
            _layers.AddRange(baseLayers);
            _key = CacheKey.Of("image", image.ManifestDescriptor.Digest.ToString(), image.Config.RootFs.DiffIds.Count.ToString(CultureInfo.InvariantCulture),
                baseLayers.LastOrDefault()?.SnapshotKey);
            _build.Progress.Completed(step, Stopwatch.GetElapsedTime(started));
            // docker keeps SHELL in the container config; a base made by docker build passes it on
            if (_config.Config?.Extra?.TryGetValue("Shell", out var shell) == true && shell.ValueKind == JsonValueKind.Array)
                _shell = [.. shell.EnumerateArray().Select(e => e.GetString() ?? "")];
        }
        _env = [.. _config.Config?.Env ?? []];
        if (!_env.Any(e => e.StartsWith("PATH=", StringComparison.Ordinal)))
            _env.Insert(0, DefaultPath);
        _config = _config with { Config = (_config.Config ?? new ContainerConfig()) with { Env = _env } };
    }

    /// <summary>
    /// The base's ONBUILD triggers, run first as docker does (parsed as instructions of this Dockerfile's FROM line);
    /// the new image does not inherit them.
    /// </summary>
    private List<Instruction> OnBuildTriggers()
    {
        var c = _config.Config;
        if (c?.Extra?.TryGetValue("OnBuild", out var triggers) != true || triggers.ValueKind != JsonValueKind.Array)
            return [];
        var extra = new Dictionary<string, JsonElement>(c.Extra!, StringComparer.Ordinal);
        extra.Remove("OnBuild");
        SetConfig(c with { Extra = extra });
        var parsed = new List<Instruction>();
        foreach (var text in triggers.EnumerateArray().Select(t => t.GetString() ?? ""))
        {
            try
            {
                var node = DockerfileParser.Parse(text, _build.Document.File).Instructions.Single();
                node.Range = _stage.From.Range; // errors point at the FROM that brought the trigger in
                var instruction = InstructionParser.Parse(node, _build.Document.File);
                if (instruction.Keyword is "FROM" or "ONBUILD" or "MAINTAINER")
                    throw new BuildException($"{Location(_stage.From)}: the base's ONBUILD trigger {text} is not allowed");
                parsed.Add(instruction);
            }
            catch (DockerfileSyntaxException e)
            {
                throw new BuildException($"{Location(_stage.From)}: the base's ONBUILD trigger \"{text}\": {e.Message}");
            }
        }
        return parsed;
    }

    private async Task DispatchAsync(Instruction instruction, CancellationToken ct)
    {
        var c = _config.Config ?? new ContainerConfig();
        switch (instruction)
        {
            case ArgInstruction arg:
                foreach (var declaration in arg.Args)
                {
                    string? value;
                    if (_build.Options.BuildArgs.TryGetValue(declaration.Name, out var given))
                        value = given;
                    else if (declaration.Default is not null)
                        value = Expand(declaration.Default);
                    else
                        value = _build.Globals.TryGetValue(declaration.Name, out var global) ? global : null;
                    _args[declaration.Name] = value;
                }
                return;
            case EnvInstruction env:
                // BuildKit expands the whole instruction against the environment before it (ENV A=2 B=$A sees the old
                // A), and a variable that is set again keeps its place in Env
                foreach (var (key, value) in env.Pairs.Select(p => (p.Key, Value: Expand(p.Value))).ToList())
                {
                    var found = false;
                    for (var i = 0; i < _env.Count; i++)
                    {
                        if (_env[i].StartsWith(key + "=", StringComparison.Ordinal))
                        {
                            _env[i] = $"{key}={value}";
                            found = true;
                        }
                    }
                    if (!found)
                        _env.Add($"{key}={value}");
                }
                SetConfig(c with { Env = _env });
                AddHistory("ENV " + string.Join(' ', env.Pairs.Select(p => $"{p.Key}={EnvValue(p.Key)}")));
                return;
            case LabelInstruction label:
                var labels = new Dictionary<string, string>(c.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
                foreach (var pair in label.Pairs)
                    labels[Expand(pair.Key)] = Expand(pair.Value);
                SetConfig(c with { Labels = labels });
                AddHistory("LABEL " + string.Join(' ', label.Pairs.Select(p => $"{Expand(p.Key)}={Expand(p.Value)}")));
                return;
            case WorkdirInstruction workdir:
                var path = Expand(workdir.Path);
                var current = string.IsNullOrEmpty(c.WorkingDir) ? "/" : c.WorkingDir;
                var resolved = "/" + TarEntryHeader.CleanName(path.StartsWith('/') ? path : current.TrimEnd('/') + "/" + path);
                SetConfig(c with { WorkingDir = NormalizePath(resolved) });
                _pendingWorkdirs.Add((NormalizePath(resolved), c.User));
                _stepIndex++;
                AddHistory("WORKDIR " + NormalizePath(resolved));
                return;
            case UserInstruction user:
                SetConfig(c with { User = Expand(user.User) });
                AddHistory("USER " + Expand(user.User));
                return;
            case ExposeInstruction expose:
                var ports = new Dictionary<string, EmptyObject>(c.ExposedPorts ?? new Dictionary<string, EmptyObject>(), StringComparer.Ordinal);
                foreach (var port in expose.Ports.SelectMany(p => Expand(p).Split(' ', StringSplitOptions.RemoveEmptyEntries)))
                    ports[port.Contains('/', StringComparison.Ordinal) ? port.ToLowerInvariant() : port + "/tcp"] = EmptyObject.Instance;
                SetConfig(c with { ExposedPorts = ports });
                AddHistory("EXPOSE " + string.Join(' ', ports.Keys.Order(StringComparer.Ordinal)));
                return;
            case VolumeInstruction volume:
                var volumes = new Dictionary<string, EmptyObject>(c.Volumes ?? new Dictionary<string, EmptyObject>(), StringComparer.Ordinal);
                foreach (var v in volume.Paths)
                {
                    var expanded = Expand(v);
                    if (expanded.Length == 0)
                        throw new BuildException($"{Location(volume)}: VOLUME specified can not be an empty string");
                    volumes[expanded] = EmptyObject.Instance;
                }
                SetConfig(c with { Volumes = volumes });
                AddHistory("VOLUME [" + string.Join(' ', volume.Paths.Select(Expand)) + "]");
                return;
            case StopSignalInstruction stop:
                SetConfig(c with { StopSignal = Expand(stop.Signal) });
                AddHistory("STOPSIGNAL " + Expand(stop.Signal));
                return;
            case CmdInstruction cmd:
                SetConfig(c with { Cmd = CommandOf(cmd.Command) });
                _cmdSet = true;
                AddHistory("CMD " + JsonList(CommandOf(cmd.Command)));
                return;
            case EntrypointInstruction entrypoint:
                SetConfig(c with { Entrypoint = CommandOf(entrypoint.Command), Cmd = _cmdSet ? c.Cmd : null });
                AddHistory("ENTRYPOINT " + JsonList(CommandOf(entrypoint.Command)));
                return;
            case ShellInstruction shell:
                _shell = [.. shell.Shell];
                SetConfig(WithExtra(c, "Shell", Json(w => WriteStrings(w, _shell))));
                AddHistory("SHELL " + JsonList(_shell));
                return;
            case HealthcheckInstruction health:
                SetConfig(WithExtra(c, "Healthcheck", Json(w => WriteHealthcheck(w, health))));
                AddHistory("HEALTHCHECK " + (health.None ? "NONE" : JsonList(HealthTest(health))));
                return;
            case MaintainerInstruction maintainer:
                _config = _config with { Author = maintainer.Maintainer };
                AddHistory("MAINTAINER " + maintainer.Maintainer);
                return;
            case OnbuildInstruction onbuild:
                var triggers = c.Extra?.TryGetValue("OnBuild", out var existing) == true && existing.ValueKind == JsonValueKind.Array
                    ? existing.EnumerateArray().Select(e => e.GetString() ?? "").ToList() : [];
                triggers.Add(onbuild.Expression);
                SetConfig(WithExtra(c, "OnBuild", Json(w => WriteStrings(w, triggers))));
                AddHistory("ONBUILD " + onbuild.Expression);
                return;
            case RunInstruction run:
                await RunAsync(run, ct);
                return;
            case CopyInstruction copy:
                await CopyAsync(copy, ct);
                return;
            default:
                throw new BuildException($"{Location(instruction)}: {instruction.Keyword} is not supported");
        }
    }

    private string EnvValue(string key) =>
        _env.LastOrDefault(e => e.StartsWith(key + "=", StringComparison.Ordinal))?[(key.Length + 1)..] ?? "";

    /// <summary>Expands a word as BuildKit does for this instruction: ENV values first, then the stage's ARGs.</summary>
    internal string Expand(string word) => _lex.ProcessWord(word, Lookup);

    private string? Lookup(string name)
    {
        for (var i = _env.Count - 1; i >= 0; i--)
        {
            if (_env[i].Length > name.Length && _env[i][name.Length] == '=' && _env[i].StartsWith(name, StringComparison.Ordinal))
                return _env[i][(name.Length + 1)..];
        }
        return _args.TryGetValue(name, out var value) ? value : null;
    }

    /// <summary>The environment of a RUN: ENV, plus every ARG with a value that ENV does not set.</summary>
    private List<string> RunEnvironment()
    {
        var env = new List<string>(_env);
        foreach (var (name, value) in _args)
        {
            if (value is not null && !_env.Any(e => e.StartsWith(name + "=", StringComparison.Ordinal)))
                env.Add($"{name}={value}");
        }
        return env;
    }

    private IReadOnlyList<string> CommandOf(CommandLine command) =>
        command.ShellForm ? [.. _shell, string.Join(' ', command.Arguments)] : command.Arguments;

    private static string NormalizePath(string path) => path.Length > 1 ? path.TrimEnd('/') : path;

    private void SetConfig(ContainerConfig config) => _config = _config with { Config = config };

    private void AddHistory(string createdBy, bool emptyLayer = true) =>
        _history.Add(new HistoryEntry
        {
            Created = Reproducible.Created,
            CreatedBy = createdBy + (emptyLayer ? "" : " # buildkit"),
            Comment = "buildkit.dockerfile.v0",
            EmptyLayer = emptyLayer ? true : null,
        });

    private static string JsonList(IEnumerable<string> items) => "[" + string.Join(' ', items.Select(i => JsonSerializer.Serialize(i, BuildJsonStrings.Default.String))) + "]";

    private static ContainerConfig WithExtra(ContainerConfig config, string name, JsonElement value)
    {
        var extra = config.Extra is null ? new Dictionary<string, JsonElement>(StringComparer.Ordinal) : new Dictionary<string, JsonElement>(config.Extra, StringComparer.Ordinal);
        extra[name] = value;
        return config with { Extra = extra };
    }

    private static JsonElement Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
            write(writer);
        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }

    private static void WriteStrings(Utf8JsonWriter writer, IEnumerable<string> values)
    {
        writer.WriteStartArray();
        foreach (var v in values)
            writer.WriteStringValue(v);
        writer.WriteEndArray();
    }

    private static List<string> HealthTest(HealthcheckInstruction health) =>
        health.Test!.ShellForm ? ["CMD-SHELL", string.Join(' ', health.Test.Arguments)] : ["CMD", .. health.Test.Arguments];

    private static void WriteHealthcheck(Utf8JsonWriter writer, HealthcheckInstruction health)
    {
        writer.WriteStartObject();
        if (health.None)
        {
            writer.WritePropertyName("Test");
            WriteStrings(writer, ["NONE"]);
            writer.WriteEndObject();
            return;
        }
        writer.WritePropertyName("Test");
        WriteStrings(writer, HealthTest(health));
        void Duration(string name, string? value)
        {
            if (value is not null && GoDuration.TryParse(value, out var span) && span > TimeSpan.Zero)
                writer.WriteNumber(name, span.Ticks * 100);
        }
        Duration("Interval", health.Interval);
        Duration("Timeout", health.Timeout);
        Duration("StartPeriod", health.StartPeriod);
        Duration("StartInterval", health.StartInterval);
        if (health.Retries is { } retries and > 0)
            writer.WriteNumber("Retries", retries);
        writer.WriteEndObject();
    }
}
