namespace Distill.Cli.Commands;

/// <summary><c>distill verify --json</c>: <c>{"ok": bool, "findings": [...]}</c>.</summary>
internal sealed record VerifyJsonReport(bool Ok, IReadOnlyList<VerifyJsonFinding> Findings);
