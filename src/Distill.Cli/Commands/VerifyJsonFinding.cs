namespace Distill.Cli.Commands;

/// <summary>One finding in <c>distill verify --json</c> output.</summary>
internal sealed record VerifyJsonFinding(string Rule, string Severity, string Message, string? Path);
