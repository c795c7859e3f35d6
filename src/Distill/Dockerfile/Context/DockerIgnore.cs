using System.Buffers;

namespace Distill.Dockerfile;

/// <summary>
/// A <c>.dockerignore</c> file with Docker's semantics (moby/patternmatcher as BuildKit's context transfer uses it):
/// <list type="bullet">
/// <item>one pattern a line; a line whose first character is <c>#</c> is a comment (only in column 1: <c> #x</c> is a
/// pattern); surrounding whitespace is trimmed; blank lines are ignored; a UTF-8 BOM is dropped;</item>
/// <item>a leading <c>!</c> makes an exception; the pattern is cleaned like Go's <c>filepath.Clean</c> (<c>./a</c>, <c>a/</c>,
/// <c>a//b</c>, <c>a/x/..</c> normalise) and a leading <c>/</c> is dropped; a lone <c>!</c> (or <c>!/</c>) is an error, and so
/// is a pattern <c>filepath.Match</c> calls malformed (unclosed <c>[</c>, trailing <c>\</c>, ...);</item>
/// <item>a pattern matches a path when it matches the path or one of its parent directories, so excluding a directory
/// excludes all below it; the last pattern that matches decides;</item>
/// <item>paths are evaluated top-down as BuildKit's walk does: a pattern that matched a directory counts as matching
/// everything below it, but one the evaluation skipped at the directory is then tried on the descendant's own path only.
/// So <c>a/b</c> then <c>!a</c> still excludes <c>a/b</c> (BuildKit's result; "last match wins" read literally would
/// re-include it).</item>
/// </list>
/// Whether a path is a directory makes no difference: Docker has no directory-only patterns (<c>foo/</c> is <c>foo</c>).
/// </summary>
public sealed class DockerIgnore
{
    /// <summary>The name BuildKit and the docker CLI read at the root of the context.</summary>
    public const string DefaultFileName = ".dockerignore";

    private static readonly SearchValues<char> PatternChars = SearchValues.Create(@"*[]?^\");

    private readonly DockerIgnorePattern[] _patterns;

    private DockerIgnore(DockerIgnorePattern[] patterns, string? fileName)
    {
        _patterns = patterns;
        FileName = fileName;
        HasExceptions = patterns.Any(p => p.IsException);
        OnlyPrefixExceptions = patterns.Where(p => p.IsException)
            .All(p => WithoutTrailingGlob(p.Text).AsSpan().IndexOfAny(PatternChars) < 0);
    }

    /// <summary>No patterns: nothing is excluded.</summary>
    public static DockerIgnore Empty { get; } = new([], null);

    public IReadOnlyList<DockerIgnorePattern> Patterns => _patterns;

    /// <summary>The file the patterns came from (as given to <see cref="Parse"/>), or null.</summary>
    public string? FileName { get; }

    /// <summary>True when some line is a <c>!</c> exception.</summary>
    public bool HasExceptions { get; }

    /// <summary>Every exception is a literal path, maybe ending in <c>/*</c> or <c>/**</c> (BuildKit's walk-skipping condition).</summary>
    private bool OnlyPrefixExceptions { get; }

    /// <summary>Reads ignore-file text; <paramref name="fileName"/> is only used in error messages.</summary>
    /// <exception cref="DockerIgnoreException">A line Docker would reject, as <c>FILE:LINE: reason</c>.</exception>
    public static DockerIgnore Parse(string text, string fileName = DefaultFileName)
    {
        ArgumentNullException.ThrowIfNull(text);
        var patterns = new List<DockerIgnorePattern>();
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.EndsWith('\r') ? rawLine[..^1] : rawLine;
            if (lineNumber == 1 && line.StartsWith('\uFEFF'))
                line = line[1..];
            if (line.StartsWith('#'))
                continue; // a comment only in the very first column
            line = line.Trim();
            if (line.Length == 0)
                continue;
            var exception = line[0] == '!';
            if (exception)
                line = line[1..].Trim();
            if (line.Length > 0)
            {
                line = GoPath.Clean(line);
                if (line.Length > 1 && line[0] == '/')
                    line = line[1..];
            }
            // The matcher trims and cleans the whole line again, "!" included: "/ /" is then empty, "!/" a lone "!".
            var full = (exception ? "!" + line : line).Trim();
            if (full.Length == 0)
                continue;
            full = GoPath.Clean(full);
            exception = full[0] == '!';
            if (exception)
            {
                if (full.Length == 1)
                    throw new DockerIgnoreException(fileName, lineNumber, "illegal exclusion pattern: \"!\"");
                full = full[1..];
            }
            if (GoPath.Match(full, ".") is null)
                throw new DockerIgnoreException(fileName, lineNumber, $"syntax error in pattern: {full}");
            try
            {
                patterns.Add(new DockerIgnorePattern(full, exception, lineNumber));
            }
            catch (FormatException e)
            {
                throw new DockerIgnoreException(fileName, lineNumber, $"{e.Message}: {full}");
            }
        }
        return new DockerIgnore([.. patterns], fileName);
    }

    /// <summary>
    /// The ignore file BuildKit would use for a build: <c>&lt;Dockerfile&gt;.dockerignore</c> next to the Dockerfile when it
    /// exists (it replaces the context's file, the two are not merged), else <c>&lt;context&gt;/.dockerignore</c>, else none.
    /// <paramref name="dockerfilePath"/> is the <c>-f</c> path (absolute or relative to the current directory); null means
    /// <c>&lt;context&gt;/Dockerfile</c>, so <c>&lt;context&gt;/Dockerfile.dockerignore</c> counts too.
    /// </summary>
    /// <remarks>
    /// Neither the Dockerfile nor the ignore file is kept out of, or forced into, the context: BuildKit reads both through
    /// their own channel and filters the context with the patterns as they are. So a <c>.dockerignore</c> that lists
    /// <c>Dockerfile</c> and <c>.dockerignore</c> hides them from <c>COPY .</c>, and one that does not list them lets
    /// <c>COPY .</c> copy them. This is what the Dockerfile reference says ("These files are still sent to the daemon
    /// because it needs them to do its job. But the ADD and COPY instructions do not copy them to the image.") and what
    /// the legacy builder does too: its CLI adds <c>!Dockerfile</c>/<c>!.dockerignore</c> only for the upload and the
    /// daemon removes them again before COPY sees the context.
    /// </remarks>
    public static DockerIgnore Load(string contextDir, string? dockerfilePath = null)
    {
        ArgumentNullException.ThrowIfNull(contextDir);
        var dockerfile = dockerfilePath ?? Path.Combine(contextDir, "Dockerfile");
        var specific = dockerfile + DefaultFileName;
        if (File.Exists(specific))
            return Parse(File.ReadAllText(specific), specific);
        var general = Path.Combine(contextDir, DefaultFileName);
        if (File.Exists(general))
            return Parse(File.ReadAllText(general), general);
        return Empty;
    }

    /// <summary>
    /// Whether BuildKit leaves this path (slash-separated, relative to the context root; cleaned first) out of the
    /// context. The root itself is never excluded. An excluded directory may still be sent when something below it is
    /// re-included: see <see cref="BuildContext.ListFiles"/>.
    /// </summary>
    public bool IsExcluded(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        EvaluatePath(Normalize(relativePath), out var excluded);
        return excluded;
    }

    /// <summary>The top-down evaluation of a normalized path: per-pattern results (for its children) and the verdict.</summary>
    internal bool[]? EvaluatePath(string path, out bool excluded)
    {
        excluded = false;
        if (_patterns.Length == 0 || path.Length == 0)
            return null;
        bool[]? matched = null;
        var slash = -1;
        do
        {
            slash = path.IndexOf('/', slash + 1);
            matched = Evaluate(slash < 0 ? path : path[..slash], matched, out excluded);
        }
        while (slash >= 0);
        return matched;
    }

    /// <summary>
    /// BuildKit's CopyIgnoredFile lint check, which compares the COPY/ADD source text (wildcards and all, cleaned) with the
    /// patterns as if it were a path: true when that text is excluded. BuildKit does not check at all when the file
    /// has <c>!</c> exceptions (too hard to decide statically), and neither does this.
    /// See <see cref="BuildContext.IsCopySourceIgnored"/> for the answer from the files themselves.
    /// </summary>
    public bool MatchesCopySourceText(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (_patterns.Length == 0 || HasExceptions)
            return false;
        return MatchesOrParentMatches(GoPath.Clean(source));
    }

    /// <summary>moby/patternmatcher's MatchesOrParentMatches: every pattern is tried on the path and all its parents.</summary>
    internal bool MatchesOrParentMatches(string path)
    {
        var matched = false;
        foreach (var pattern in _patterns)
        {
            if (pattern.IsException != matched)
                continue;
            if (pattern.Matches(path) || MatchesParent(pattern, path))
                matched = !pattern.IsException;
        }
        return matched;
    }

    /// <summary>
    /// One step of the top-down evaluation (moby/patternmatcher's MatchesUsingParentResults): which patterns match
    /// <paramref name="path"/>, given which matched its parent directory (null: unknown, then parents are checked
    /// one by one). Returns the per-pattern results for the path's children.
    /// </summary>
    internal bool[] Evaluate(string path, bool[]? parentMatched, out bool excluded)
    {
        var result = new bool[_patterns.Length];
        excluded = false;
        for (var i = 0; i < _patterns.Length; i++)
        {
            var pattern = _patterns[i];
            var match = parentMatched is not null && parentMatched[i];
            if (!match)
            {
                if (pattern.IsException != excluded)
                    continue; // cannot change the outcome; not evaluated (and so not remembered for children)
                match = pattern.Matches(path) || (parentMatched is null && MatchesParent(pattern, path));
            }
            result[i] = match;
            if (match)
                excluded = !pattern.IsException;
        }
        return result;
    }

    /// <summary>
    /// Whether the walk may skip the inside of an excluded directory: when no exception could re-include anything
    /// below it. True where BuildKit skips (all exceptions literal prefixes, none under the directory), and also
    /// where no exception's literal start is compatible with the directory (which changes no result).
    /// </summary>
    internal bool CanSkipExcludedDirectory(string dir)
    {
        if (!HasExceptions)
            return true;
        var dirSlash = dir + "/";
        if (OnlyPrefixExceptions
            && !_patterns.Any(p => p.IsException && (WithoutTrailingGlob(p.Text) + "/").StartsWith(dirSlash, StringComparison.Ordinal)))
            return true;
        foreach (var pattern in _patterns)
        {
            if (!pattern.IsException)
                continue;
            var couldMatchBelow = pattern.IsExact
                ? pattern.Text.StartsWith(dirSlash, StringComparison.Ordinal)
                : pattern.LiteralPrefix.StartsWith(dirSlash, StringComparison.Ordinal)
                  || dirSlash.StartsWith(pattern.LiteralPrefix, StringComparison.Ordinal);
            if (couldMatchBelow)
                return false;
        }
        return true;
    }

    private static bool MatchesParent(DockerIgnorePattern pattern, string path)
    {
        for (var slash = path.IndexOf('/'); slash > 0; slash = path.IndexOf('/', slash + 1))
        {
            if (pattern.Matches(path[..slash]))
                return true;
        }
        return false;
    }

    private static string WithoutTrailingGlob(string text)
    {
        if (text.EndsWith("/**", StringComparison.Ordinal))
            text = text[..^3];
        if (text.EndsWith("/*", StringComparison.Ordinal))
            text = text[..^2];
        return text;
    }

    /// <summary>Clean, relative, slash-separated; "" for the context root.</summary>
    internal static string Normalize(string relativePath)
    {
        var path = GoPath.Clean(relativePath);
        path = path.TrimStart('/');
        return path == "." ? "" : path;
    }
}
