using Distill.Oci;

namespace Distill.Dockerfile;

/// <summary>The files of a build context that a build can see, after <c>.dockerignore</c>.</summary>
public static class BuildContext
{
    private static readonly EnumerationOptions OneLevel = new()
    {
        RecurseSubdirectories = false,
        IgnoreInaccessible = false,
        AttributesToSkip = 0,
        ReturnSpecialDirectories = false,
    };

    /// <summary>
    /// What BuildKit would send of <paramref name="contextDir"/>: every entry the ignore file does not exclude, plus each
    /// excluded directory that has a sent entry below it (BuildKit sends the parents of what it sends). Paths are
    /// slash-separated, relative, in ordinal order; symbolic links are listed, not followed. The walk does not enter an
    /// excluded directory when no <c>!</c> exception could re-include anything inside it (an unreadable excluded
    /// directory is then no error either).
    /// </summary>
    public static IReadOnlyList<ContextEntry> ListFiles(string contextDir, DockerIgnore ignore)
    {
        ArgumentNullException.ThrowIfNull(contextDir);
        ArgumentNullException.ThrowIfNull(ignore);
        if (!Directory.Exists(contextDir))
            throw new DirectoryNotFoundException($"build context {contextDir} is not a directory");
        var entries = new List<ContextEntry>();
        Walk(new DirectoryInfo(contextDir), "", null, ignore, entries);
        entries.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return entries;
    }

    /// <summary>
    /// The context paths a COPY/ADD source names, before <c>.dockerignore</c> (as BuildKit resolves them): without
    /// wildcards the path itself when it exists; with them (Go <c>filepath.Match</c>: <c>*</c>, <c>?</c>, <c>[...]</c>,
    /// <c>\</c>) every path below the part before the first wildcard that matches the rest. A leading <c>/</c> is the
    /// context root. Slash-separated, relative, ordinal order.
    /// </summary>
    public static IReadOnlyList<string> ResolveCopySource(string contextDir, string source)
    {
        ArgumentNullException.ThrowIfNull(contextDir);
        ArgumentNullException.ThrowIfNull(source);
        var path = DockerIgnore.Normalize(source);
        var parts = path.Length == 0 ? [] : path.Split('/');
        var firstWild = Array.FindIndex(parts, ContainsWildcards);
        if (firstWild < 0)
            return Exists(Full(contextDir, path)) ? [path] : [];

        var basePath = string.Join('/', parts[..firstWild]);
        var rest = string.Join('/', parts[firstWild..]);
        if (GoPath.Match(rest, "") is null)
            throw new ArgumentException($"COPY source {source}: syntax error in pattern", nameof(source));
        var baseDir = new DirectoryInfo(Full(contextDir, basePath));
        var found = new List<string>();
        if (baseDir.Exists && !baseDir.Attributes.HasFlag(FileAttributes.ReparsePoint))
        {
            // '*' and '?' never match '/', so without a class the depth of a match is known
            var depth = rest.Contains('[', StringComparison.Ordinal) ? int.MaxValue : rest.Count(c => c == '/') + 1;
            ResolveBelow(baseDir, "", rest, depth, found);
        }
        var prefix = basePath.Length == 0 ? "" : basePath + "/";
        return found.Select(m => prefix + m).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// For the CopyIgnoredFile lint: true when the COPY/ADD source names at least one context path and
    /// <c>.dockerignore</c> excludes every one of them (so the instruction would fail or copy nothing it names). An
    /// excluded directory with a re-included entry below it counts as sent, as BuildKit sends it. Unlike <see cref="DockerIgnore.MatchesCopySourceText"/>, this looks at the files and understands exceptions.
    /// </summary>
    public static bool IsCopySourceIgnored(string contextDir, DockerIgnore ignore, string source)
    {
        ArgumentNullException.ThrowIfNull(ignore);
        if (ignore.Patterns.Count == 0)
            return false;
        var matches = ResolveCopySource(contextDir, source);
        return matches.Count > 0 && !matches.Any(m => IsSent(contextDir, ignore, m));
    }

    /// <summary>Whether the path, or (for an excluded directory) something below it, is in the context BuildKit sends.</summary>
    private static bool IsSent(string contextDir, DockerIgnore ignore, string path)
    {
        var matched = ignore.EvaluatePath(path, out var excluded);
        if (!excluded)
            return true;
        var dir = new DirectoryInfo(Full(contextDir, path));
        if (!dir.Exists || dir.Attributes.HasFlag(FileAttributes.ReparsePoint) || ignore.CanSkipExcludedDirectory(path))
            return false;
        var below = new List<ContextEntry>();
        Walk(dir, path + "/", matched, ignore, below);
        return below.Count > 0;
    }

    private static void Walk(DirectoryInfo dir, string prefix, bool[]? parentMatched, DockerIgnore ignore, List<ContextEntry> output)
    {
        var children = dir.EnumerateFileSystemInfos("*", OneLevel).ToList();
        children.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var child in children)
        {
            var path = prefix + child.Name;
            var excluded = false;
            bool[]? matched = null;
            if (ignore.Patterns.Count > 0)
                matched = ignore.Evaluate(path, parentMatched, out excluded);
            var kind = KindOf(child);
            if (kind != ContextEntryKind.Directory)
            {
                if (!excluded)
                    output.Add(new ContextEntry(path, kind));
                continue;
            }
            if (excluded && ignore.CanSkipExcludedDirectory(path))
                continue;
            var below = new List<ContextEntry>();
            try
            {
                Walk((DirectoryInfo)child, path + "/", matched, ignore, below);
            }
            catch (UnauthorizedAccessException) when (excluded)
            {
                // BuildKit ignores permission errors on what it would not send
            }
            if (!excluded || below.Count > 0)
                output.Add(new ContextEntry(path, ContextEntryKind.Directory));
            output.AddRange(below);
        }
    }

    private static ContextEntryKind KindOf(FileSystemInfo info)
    {
        if (info.Attributes.HasFlag(FileAttributes.ReparsePoint))
            return ContextEntryKind.Symlink;
        if (info is DirectoryInfo)
            return ContextEntryKind.Directory;
        var type = HostFileStat.Get(info.FullName).FileType;
        return type == HostFileStat.Regular ? ContextEntryKind.File : ContextEntryKind.Other;
    }

    private static void ResolveBelow(DirectoryInfo dir, string prefix, string pattern, int depthLeft, List<string> found)
    {
        foreach (var child in dir.EnumerateFileSystemInfos("*", OneLevel))
        {
            var rel = prefix + child.Name;
            if (GoPath.Match(pattern, rel) == true)
            {
                found.Add(rel);
                continue; // a matched directory is taken whole
            }
            if (depthLeft > 1 && child is DirectoryInfo sub && !child.Attributes.HasFlag(FileAttributes.ReparsePoint))
                ResolveBelow(sub, rel + "/", pattern, depthLeft - 1, found);
        }
    }

    /// <summary>BuildKit's test: an unescaped <c>*</c>, <c>?</c> or <c>[</c>.</summary>
    private static bool ContainsWildcards(string name)
    {
        for (var i = 0; i < name.Length; i++)
        {
            if (name[i] == '\\')
                i++;
            else if (name[i] is '*' or '?' or '[')
                return true;
        }
        return false;
    }

    private static string Full(string contextDir, string relative) =>
        relative.Length == 0 ? contextDir : Path.Combine(contextDir, relative);

    private static bool Exists(string path) => File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null;
}
