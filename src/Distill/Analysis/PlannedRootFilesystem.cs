using Distill.Oci;

namespace Distill.Analysis;

/// <summary>
/// The entries <see cref="DependencyCopy"/> has decided to add, as a root filesystem (the top of the view it checks
/// with the loader's rules); file bytes are read from the source root.
/// </summary>
internal sealed class PlannedRootFilesystem(IRootFilesystem source) : IRootFilesystem
{
    private readonly Dictionary<string, RootEntry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AddedFile> _added = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<string>> _children = new(StringComparer.Ordinal);

    public string Description => $"dependencies from {source.Description}";

    public IReadOnlyCollection<AddedFile> Added => _added.Values;

    public void Add(AddedFile file, long size)
    {
        _added[file.Path] = file;
        _entries[file.Path] = new RootEntry(file.Path, file.Kind, file.Mode, 0, 0, size, file.Kind == TarEntryKind.Symlink ? file.Source : "");
        var parent = RootPath.Parent(file.Path);
        if (!_children.TryGetValue(parent, out var names))
            _children[parent] = names = new SortedSet<string>(StringComparer.Ordinal);
        names.Add(file.Path[(file.Path.LastIndexOf('/') + 1)..]);
    }

    public RootEntry? Lstat(string path) => _entries.GetValueOrDefault(path);

    public IReadOnlyList<string> List(string directory) => _children.TryGetValue(directory, out var names) ? names.ToList() : [];

    public async ValueTask<IReadOnlyDictionary<string, byte[]>> ReadFilesAsync(IReadOnlyCollection<string> paths, long limit, CancellationToken ct)
    {
        var files = paths.Where(p => _added.TryGetValue(p, out var f) && f.Kind == TarEntryKind.File).ToList();
        var bytes = await source.ReadFilesAsync(files.Select(p => _added[p].Source).Distinct(StringComparer.Ordinal).ToList(), limit, ct);
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var path in files)
        {
            if (bytes.TryGetValue(_added[path].Source, out var data))
                result[path] = data;
        }
        return result;
    }
}
