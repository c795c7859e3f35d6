using Distill.Dockerfile;

namespace Distill.Build;

/// <summary>
/// <c>COPY --exclude=PATTERN</c>: patterns with .dockerignore syntax, matched against each copied entry's path
/// relative to the copied source (a match on a directory excludes all of it; <c>!</c> re-includes).
/// </summary>
internal sealed class CopyExcludes
{
    private readonly DockerIgnore _patterns;

    private CopyExcludes(DockerIgnore patterns) => _patterns = patterns;

    public static CopyExcludes? Create(IReadOnlyList<string> patterns) =>
        patterns.Count == 0 ? null : new CopyExcludes(DockerIgnore.Parse(string.Join('\n', patterns), "--exclude"));

    public bool IsExcluded(string relativePath, bool isDirectory)
    {
        if (!_patterns.MatchesOrParentMatches(relativePath))
            return false;
        if (!isDirectory || !_patterns.HasExceptions)
            return true;
        // an excluded directory is still walked when an exception names something inside it
        var dirSlash = relativePath + "/";
        return !_patterns.Patterns.Any(p => p.IsException && (p.Text + "/").StartsWith(dirSlash, StringComparison.Ordinal));
    }
}
