using Distill.Dockerfile;

namespace Distill.Build;

/// <summary>
/// The read side of a COPY: a root directory seen as a chroot (symlinks followed inside it, <c>..</c> stops at it), and
/// for the build context only the entries <c>.dockerignore</c> lets through — BuildKit copies from the context it was
/// sent, so an ignored file does not exist for COPY, for wildcards or for a symlink pointing at it.
/// Paths are slash-separated and relative to the root ("" is the root).
/// </summary>
internal sealed class CopySourceTree(CopySource source)
{
    private const int MaxLinks = 255;

    public string Root { get; } = Path.GetFullPath(source.Root);

    public bool IsContext => source.IsContext;

    public string HostPath(string relative) => relative.Length == 0 ? Root : Path.Combine(Root, relative);

    /// <summary>lstat of a visible entry, or null when it is missing or ignored.</summary>
    public CopyStat? Stat(string relative) =>
        relative.Length == 0 || source.ContextEntries is null || source.ContextEntries.Contains(relative) ? CopyStat.TryGet(HostPath(relative)) : null;

    /// <summary>The visible children of a directory, in ordinal order (as Go's directory walks).</summary>
    public IReadOnlyList<string> Children(string relative)
    {
        var names = new List<string>();
        foreach (var host in Directory.EnumerateFileSystemEntries(HostPath(relative)))
        {
            var name = Path.GetFileName(host);
            var child = relative.Length == 0 ? name : relative + "/" + name;
            if (source.ContextEntries is null || source.ContextEntries.Contains(child))
                names.Add(name);
        }
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <summary>
    /// Resolves a path like <c>fs.RootPath</c>: every symlink followed inside the root, the final one too. Missing
    /// components are appended as they are; <paramref name="exists"/> tells whether the result is there.
    /// </summary>
    public string Resolve(string path, out bool exists)
    {
        var links = 0;
        var resolved = Walk("", Split(path), ref links, followLast: true);
        exists = resolved.Length == 0 || Stat(resolved) is not null;
        return resolved;
    }

    /// <summary>Resolves every component but the last, which is kept (not followed).</summary>
    public string ResolveParent(string path)
    {
        var parts = Split(path);
        if (parts.Count == 0)
            return "";
        var links = 0;
        var parent = Walk("", parts[..^1], ref links, followLast: true);
        var last = parts[^1];
        return last == ".." ? Parent(parent) : Join(parent, last);
    }

    private string Walk(string current, List<string> parts, ref int links, bool followLast)
    {
        for (var i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            if (part == "..")
            {
                current = Parent(current);
                continue;
            }
            var next = Join(current, part);
            var stat = Stat(next);
            if (stat is { IsSymlink: true } && (followLast || i < parts.Count - 1))
            {
                if (++links > MaxLinks)
                    throw new IOException($"too many levels of symbolic links: /{next}");
                var target = new FileInfo(HostPath(next)).LinkTarget ?? "";
                current = Walk(target.StartsWith('/') ? "" : current, Split(target), ref links, followLast: true);
                continue;
            }
            current = next;
        }
        return current;
    }

    /// <summary>
    /// BuildKit's wildcard resolution: the part before the first component with <c>*</c>, <c>?</c> or <c>[</c> is
    /// resolved (symlinks followed), then everything below it whose relative path matches the rest is a match (a
    /// matched directory is not entered; symlinked directories are not walked into). Ordered as Go's walk.
    /// </summary>
    public IReadOnlyList<string> Glob(string pattern)
    {
        var parts = Split(pattern);
        var firstWild = parts.FindIndex(ContainsWildcards);
        if (firstWild < 0)
            return [string.Join('/', parts)];
        var links = 0;
        var baseDir = Walk("", parts[..firstWild], ref links, followLast: true);
        var rest = string.Join('/', parts[firstWild..]);
        if (GoPath.Match(rest, "") is null)
            throw new ArgumentException($"syntax error in pattern: {pattern}");
        var found = new List<string>();
        if (Stat(baseDir) is { IsDirectory: true })
            GlobBelow(baseDir, "", rest, found);
        return found;
    }

    private void GlobBelow(string dir, string prefix, string pattern, List<string> found)
    {
        foreach (var name in Children(dir))
        {
            var rel = prefix + name;
            var full = Join(dir, name);
            if (GoPath.Match(pattern, rel) == true)
            {
                found.Add(full);
                continue;
            }
            if (Stat(full) is { IsDirectory: true })
                GlobBelow(full, rel + "/", pattern, found);
        }
    }

    public static bool ContainsWildcards(string name)
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

    /// <summary>Path components, "." and empty ones dropped ("..": kept, resolved by the walk).</summary>
    public static List<string> Split(string path) =>
        path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToList();

    public static string Join(string dir, string name) => dir.Length == 0 ? name : dir + "/" + name;

    public static string Parent(string relative)
    {
        var slash = relative.LastIndexOf('/');
        return slash < 0 ? "" : relative[..slash];
    }
}
