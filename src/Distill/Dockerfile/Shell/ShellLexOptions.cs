namespace Distill.Dockerfile;

/// <summary>How words are expanded (BuildKit's lexer modes).</summary>
public sealed record ShellLexOptions
{
    public char EscapeToken { get; init; } = '\\';
    /// <summary>Keep quote characters in the result.</summary>
    public bool RawQuotes { get; init; }
    /// <summary>Keep escape characters in the result.</summary>
    public bool RawEscapes { get; init; }
    /// <summary>Treat quotes as ordinary characters.</summary>
    public bool SkipProcessQuotes { get; init; }
    /// <summary>Leave references to unset variables as written.</summary>
    public bool SkipUnsetEnv { get; init; }
}

/// <summary>An expansion failure (bad substitution, unterminated quote, <c>${V?msg}</c> on an unset V).</summary>
public sealed class ShellExpansionException(string message) : Exception(message)
{
    public ShellExpansionException() : this("expansion failed") { }
    public ShellExpansionException(string message, Exception inner) : this(message + ": " + inner.Message) { }
}

/// <summary>The result of expanding a word: the text, and which variables it used that were set or unset.</summary>
public sealed record ExpansionResult(string Result, IReadOnlyList<string> Words, IReadOnlySet<string> Matched, IReadOnlySet<string> Unmatched);
