namespace Distill.Analysis;

/// <summary>
/// Root filesystems stacked, the first on top: a path is the topmost layer's entry, a directory lists the names of
/// all. Used to see an image as it will be (dependencies added, over the application, over the base) before any
/// layer is written. No whiteouts: the layers only ever add.
/// </summary>
public sealed class LayeredRootFilesystem(IReadOnlyList<IRootFilesystem> layers) : IRootFilesystem
{
    public string Description => string.Join(" over ", layers.Select(l => l.Description));

    public RootEntry? Lstat(string path)
    {
        foreach (var layer in layers)
        {
            if (layer.Lstat(path) is { } entry)
                return entry;
        }
        return null;
    }

    public IReadOnlyList<string> List(string directory) =>
        layers.SelectMany(l => l.List(directory)).Distinct(StringComparer.Ordinal).ToList();

    public async ValueTask<IReadOnlyDictionary<string, byte[]>> ReadFilesAsync(IReadOnlyCollection<string> paths, long limit, CancellationToken ct)
    {
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var group in paths.GroupBy(p => layers.FirstOrDefault(l => l.Lstat(p) is not null)))
        {
            if (group.Key is null)
                continue;
            foreach (var (path, bytes) in await group.Key.ReadFilesAsync(group.ToList(), limit, ct))
                result[path] = bytes;
        }
        return result;
    }
}
