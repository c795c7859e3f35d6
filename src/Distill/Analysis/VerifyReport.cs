namespace Distill.Analysis;

/// <summary>What <see cref="ImageVerifier"/> found: the findings and, for an ELF entrypoint, its dependency closure.</summary>
public sealed record VerifyReport(string? Command, IReadOnlyList<VerifyFinding> Findings, DependencyClosure? Closure)
{
    /// <summary>Runnable as far as static analysis can tell: no error (warnings allowed).</summary>
    public bool Ok => Findings.All(f => f.Severity != VerifySeverity.Error);
}
