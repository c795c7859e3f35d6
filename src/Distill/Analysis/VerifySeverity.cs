namespace Distill.Analysis;

public enum VerifySeverity
{
    /// <summary>The image would not start (or not as configured).</summary>
    Error,

    /// <summary>It may start, but something is likely to go wrong.</summary>
    Warning,
}
