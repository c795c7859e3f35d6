using Distill.Dockerfile;

namespace Distill.Build;

/// <summary>
/// Which entries below a copied source are copied: fsutil's include patterns (what <c>--parents</c> uses: a directory
/// is entered while it is a prefix of a pattern and taken whole once it matches; a file must match) and the
/// <c>--exclude</c> patterns. Paths are relative to the copied source.
/// </summary>
internal sealed class CopyFilter(IReadOnlyList<string> includes, CopyExcludes? excludes)
{
    public bool HasIncludes => includes.Count > 0;

    /// <summary>Whether to copy the entry, and whether everything below it is included without further pattern checks.</summary>
    public (bool Copy, bool SkipIncludes) Decide(string components, bool isDirectory, bool skipIncludes)
    {
        var include = true;
        if (!skipIncludes && includes.Count > 0)
        {
            (include, skipIncludes) = Include(components, isDirectory);
            if (!include)
                return (false, false);
        }
        if (excludes is not null && excludes.IsExcluded(components, isDirectory))
            return (false, skipIncludes);
        return (include, skipIncludes);
    }

    private (bool Include, bool Whole) Include(string path, bool isDirectory)
    {
        var matched = false;
        var partial = true;
        foreach (var raw in includes)
        {
            var pattern = isDirectory ? raw.TrimEnd('/') : raw;
            var (m, p) = PrefixMatch(pattern, path);
            if (!m)
                continue;
            matched = true;
            if (!p)
            {
                partial = false;
                break;
            }
        }
        if (!matched)
            return (false, false);
        return isDirectory ? (true, !partial) : (!partial, !partial);
    }

    /// <summary>fsutil's prefix.Match: a path with fewer components than the pattern is compared with the pattern's first components.</summary>
    private static (bool Match, bool Partial) PrefixMatch(string pattern, string name)
    {
        var count = name.Count(c => c == '/');
        var partial = false;
        if (pattern.Count(c => c == '/') > count)
        {
            var parts = pattern.Split('/');
            pattern = string.Join('/', parts[..(count + 1)]);
            partial = true;
        }
        return (GoPath.Match(pattern, name) == true, partial);
    }
}
