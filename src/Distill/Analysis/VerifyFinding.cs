namespace Distill.Analysis;

/// <summary>One verify finding: the rule, how bad, a one-line message and the path in the image it is about.</summary>
public sealed record VerifyFinding(VerifyRule Rule, VerifySeverity Severity, string Message, string? Path)
{
    public override string ToString() => $"{(Severity == VerifySeverity.Error ? "error" : "warning")}: {Message} [{Rule.Id}]";
}
