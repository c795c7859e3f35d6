namespace Distill.Dockerfile;

/// <summary>
/// A typed Dockerfile instruction. Values are kept as written (variables are expanded at dispatch time, with the
/// stage's ARG and ENV scope); <see cref="Node"/> gives the source line and position for diagnostics.
/// </summary>
public abstract record Instruction(Node Node)
{
    /// <summary>The keyword in upper case, e.g. <c>COPY</c>.</summary>
    public string Keyword => Node.Value.ToUpperInvariant();
    public SourceRange Range => Node.Range;
}

/// <summary>A command in exec form (<c>["a","b"]</c>) or shell form (one string run by the stage's SHELL).</summary>
public sealed record CommandLine(IReadOnlyList<string> Arguments, bool ShellForm)
{
    public static CommandLine From(Node node) => new(node.Arguments.ToList(), !node.IsJson);
}

/// <summary>One <c>KEY=VALUE</c> of ENV or LABEL, value as written (quotes are removed on expansion).</summary>
public sealed record KeyValue(string Key, string Value, bool LegacyForm);

public sealed record FromInstruction(Node Node, string BaseName, string? StageName, string? Platform) : Instruction(Node);
public sealed record RunInstruction(Node Node, CommandLine Command, IReadOnlyList<RunMount> Mounts, string? Network, string? Security) : Instruction(Node);
public sealed record CmdInstruction(Node Node, CommandLine Command) : Instruction(Node);
public sealed record EntrypointInstruction(Node Node, CommandLine Command) : Instruction(Node);
public sealed record ShellInstruction(Node Node, IReadOnlyList<string> Shell) : Instruction(Node);
public sealed record EnvInstruction(Node Node, IReadOnlyList<KeyValue> Pairs) : Instruction(Node);
public sealed record LabelInstruction(Node Node, IReadOnlyList<KeyValue> Pairs) : Instruction(Node);
/// <summary>ARG NAME[=default] (several per instruction allowed).</summary>
public sealed record ArgInstruction(Node Node, IReadOnlyList<ArgDeclaration> Args) : Instruction(Node);
public sealed record ArgDeclaration(string Name, string? Default);
public sealed record ExposeInstruction(Node Node, IReadOnlyList<string> Ports) : Instruction(Node);
public sealed record WorkdirInstruction(Node Node, string Path) : Instruction(Node);
public sealed record UserInstruction(Node Node, string User) : Instruction(Node);
public sealed record VolumeInstruction(Node Node, IReadOnlyList<string> Paths) : Instruction(Node);
public sealed record StopSignalInstruction(Node Node, string Signal) : Instruction(Node);
public sealed record MaintainerInstruction(Node Node, string Maintainer) : Instruction(Node);
/// <summary>ONBUILD: the trigger as written, and the instruction it holds.</summary>
public sealed record OnbuildInstruction(Node Node, string Expression, Instruction Trigger) : Instruction(Node);

/// <summary>COPY and ADD: sources (context paths, globs, URLs for ADD, heredocs) and the destination, with their flags.</summary>
public sealed record CopyInstruction(Node Node, IReadOnlyList<string> Sources, string Destination, CopyFlags Flags) : Instruction(Node)
{
    public bool IsAdd => Keyword == "ADD";
}

public sealed record CopyFlags
{
    public string? From { get; init; }
    public string? Chown { get; init; }
    public string? Chmod { get; init; }
    public bool Link { get; init; }
    public bool Parents { get; init; }
    public IReadOnlyList<string> Excludes { get; init; } = [];
    /// <summary>ADD only: expected digest of a URL source.</summary>
    public string? Checksum { get; init; }
    /// <summary>ADD only: keep .git of a Git source.</summary>
    public bool KeepGitDir { get; init; }
    /// <summary>ADD only: <c>--unpack</c>; null means the default (local tar archives are extracted, URLs are not).</summary>
    public bool? Unpack { get; init; }
}

/// <summary>HEALTHCHECK: NONE, or a test command with its timing flags (Go durations as written).</summary>
public sealed record HealthcheckInstruction(Node Node, bool None, CommandLine? Test, string? Interval, string? Timeout,
    string? StartPeriod, string? StartInterval, int? Retries) : Instruction(Node);
