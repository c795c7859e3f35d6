namespace Distill.Cli.Commands;

/// <summary><c>distill lint --json</c> output: <c>{"findings":[…]}</c>.</summary>
internal sealed record LintJsonReport(IReadOnlyList<LintJsonFinding> Findings);
