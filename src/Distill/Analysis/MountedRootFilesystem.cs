namespace Distill.Analysis;

/// <summary>
/// A root filesystem seen under a directory of another (<c>distill pack --app-dir /app</c>: the host directory is
/// <c>/app</c> in the image); the directories above the mount point exist, nothing else does.
/// </summary>
public sealed class MountedRootFilesystem(string mountPoint, IRootFilesystem inner) : IRootFilesystem
{
    private readonly string _mountPoint = RootPath.Normalize(mountPoint);

    public string Description => _mountPoint == "/" ? inner.Description : $"{inner.Description} at {_mountPoint}";

    public RootEntry? Lstat(string path)
    {
        if (Inner(path) is { } inside)
            return inside == "/" ? RootEntry.Directory(path) : inner.Lstat(inside) is { } entry ? entry with { Path = path } : null;
        return IsAbove(path) ? RootEntry.Directory(path) : null;
    }

    public IReadOnlyList<string> List(string directory)
    {
        if (Inner(directory) is { } inside)
            return inner.List(inside);
        if (!IsAbove(directory))
            return [];
        var rest = _mountPoint[(directory == "/" ? 1 : directory.Length + 1)..];
        return [rest.Split('/')[0]];
    }

    public async ValueTask<IReadOnlyDictionary<string, byte[]>> ReadFilesAsync(IReadOnlyCollection<string> paths, long limit, CancellationToken ct)
    {
        var inside = paths.Select(p => (Path: p, Inner: Inner(p))).Where(p => p.Inner is not null).ToList();
        var bytes = await inner.ReadFilesAsync(inside.Select(p => p.Inner!).ToList(), limit, ct);
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (path, innerPath) in inside)
        {
            if (bytes.TryGetValue(innerPath!, out var data))
                result[path] = data;
        }
        return result;
    }

    /// <summary>The path inside the mounted root, or null when <paramref name="path"/> is not under the mount point.</summary>
    private string? Inner(string path)
    {
        if (_mountPoint == "/")
            return path;
        if (path == _mountPoint)
            return "/";
        return path.StartsWith(_mountPoint + "/", StringComparison.Ordinal) ? path[_mountPoint.Length..] : null;
    }

    private bool IsAbove(string path) => path == "/" || _mountPoint.StartsWith(path + "/", StringComparison.Ordinal);
}
