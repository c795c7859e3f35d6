namespace Distill.Cli.Commands;

/// <summary>One finding in <c>distill lint --json</c> output.</summary>
internal sealed record LintJsonFinding(string Rule, string Severity, string Message, string File, int Line, int Column, int EndLine, int EndColumn, string Url);
