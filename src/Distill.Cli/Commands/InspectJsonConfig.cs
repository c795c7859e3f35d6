namespace Distill.Cli.Commands;

/// <summary>The runtime defaults in <see cref="InspectJsonReport"/>.</summary>
internal sealed record InspectJsonConfig(IReadOnlyList<string>? Entrypoint, IReadOnlyList<string>? Cmd, string User, string? WorkingDir,
    IReadOnlyList<string> Env, IReadOnlyList<string> ExposedPorts);
