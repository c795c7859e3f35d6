namespace Distill.Dockerfile;

/// <summary>What the linter may know beyond the Dockerfile itself.</summary>
public sealed record LintOptions
{
    /// <summary>
    /// Whether a context path is excluded by <c>.dockerignore</c> (for <c>CopyIgnoredFile</c>). The path is relative to
    /// the context root, <c>/</c>-separated, cleaned (no leading <c>./</c> or <c>/</c>, no <c>.</c> or <c>..</c>
    /// segments). Null: the rule does not run.
    /// </summary>
    public Func<string, bool>? IsIgnored { get; init; }

    /// <summary>
    /// The environment of a base image (name as written after ARG expansion), when it is known, e.g. from a local
    /// store; null when unknown. Unknown bases are assumed to define <c>PATH</c>, common variables and variables
    /// named after the image (<c>PYTHON_*</c> for <c>python</c>), so <c>UndefinedVar</c> does not guess wrong.
    /// </summary>
    public Func<string, IReadOnlyDictionary<string, string>?>? BaseImageEnv { get; init; }

    /// <summary>Build arguments (they change what FROM lines expand to).</summary>
    public BuildArgs BuildArgs { get; init; } = new();

    /// <summary>Experimental rules to run besides those the <c># check=experimental=</c> directive enables; <c>all</c> for every one.</summary>
    public IReadOnlySet<string> Experimental { get; init; } = new HashSet<string>(StringComparer.Ordinal);
}
