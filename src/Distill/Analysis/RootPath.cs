namespace Distill.Analysis;

/// <summary>
/// Path resolution inside a root filesystem as the kernel does it in a chroot: one component at a time, symlinks
/// substituted (absolute targets restart at the root, <c>..</c> stops at the root), at most 40 links (Linux's
/// MAXSYMLINKS) before it is a loop.
/// </summary>
public static class RootPath
{
    public const int MaxSymlinks = 40;

    /// <summary>Resolves <paramref name="path"/> (relative paths are taken from <c>/</c>).</summary>
    public static ResolvedPath Resolve(IRootFilesystem fs, string path, bool followLast = true)
    {
        var pending = new List<string>(Split(path));
        pending.Reverse(); // a stack: the next component is last
        var current = "/";
        var links = 0;
        while (pending.Count > 0)
        {
            var component = pending[^1];
            pending.RemoveAt(pending.Count - 1);
            if (component == ".")
                continue;
            if (component == "..")
            {
                current = Parent(current);
                continue;
            }
            var candidate = Join(current, component);
            var entry = fs.Lstat(candidate);
            if (entry is null)
                return new ResolvedPath(path, candidate, null, PathProblem.NotFound);
            var last = pending.Count == 0;
            if (entry.Kind == Oci.TarEntryKind.Symlink && (!last || followLast))
            {
                if (++links > MaxSymlinks)
                    return new ResolvedPath(path, candidate, null, PathProblem.SymlinkLoop);
                if (entry.LinkTarget.StartsWith('/'))
                    current = "/";
                var target = Split(entry.LinkTarget);
                for (var i = target.Length - 1; i >= 0; i--)
                    pending.Add(target[i]);
                continue;
            }
            if (!last && entry.Kind != Oci.TarEntryKind.Directory)
                return new ResolvedPath(path, candidate, null, PathProblem.NotDirectory);
            current = candidate;
        }
        return new ResolvedPath(path, current, current == "/" ? RootEntry.Directory("/") : fs.Lstat(current), PathProblem.None);
    }

    /// <summary>Reads one file after resolving it; null when it is missing, not a regular file or over <paramref name="limit"/>.</summary>
    public static async ValueTask<byte[]?> ReadFileAsync(IRootFilesystem fs, string path, long limit, CancellationToken ct)
    {
        var resolved = Resolve(fs, path);
        if (!resolved.Exists || resolved.Entry!.Kind != Oci.TarEntryKind.File)
            return null;
        var files = await fs.ReadFilesAsync([resolved.Path], limit, ct);
        return files.GetValueOrDefault(resolved.Path);
    }

    public static string Join(string directory, string name) => directory == "/" ? "/" + name : directory + "/" + name;

    public static string Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }

    /// <summary>A path made absolute and clean of empty and <c>.</c> components (<c>..</c> is kept for resolution).</summary>
    public static string Normalize(string path) => "/" + string.Join('/', Split(path).Where(c => c != "."));

    private static string[] Split(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);
}
