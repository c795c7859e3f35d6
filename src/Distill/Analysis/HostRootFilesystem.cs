using Distill.Oci;

namespace Distill.Analysis;

/// <summary>
/// A host directory taken as a root filesystem (<c>--deps-from DIR</c>, or <c>/</c>). Entries are read with
/// <c>lstat</c> semantics; resolution through <see cref="RootPath"/> keeps symlinks inside the directory.
/// </summary>
public sealed class HostRootFilesystem(string root, string? description = null) : IRootFilesystem
{
    private readonly string _root = Path.GetFullPath(root);

    /// <summary><c>directory /srv/root</c>, or what the caller named it (<c>stage build</c> for a mounted stage).</summary>
    public string Description => description ?? $"directory {_root}";

    public RootEntry? Lstat(string path)
    {
        var full = HostPath(path);
        var info = new FileInfo(full);
        try
        {
            if (info.LinkTarget is { } target)
                return new RootEntry(path, TarEntryKind.Symlink, 0x1ff, 0, 0, 0, target);
            if (Directory.Exists(full))
                return new RootEntry(path, TarEntryKind.Directory, (int)File.GetUnixFileMode(full), 0, 0, 0);
            if (info.Exists)
                return new RootEntry(path, TarEntryKind.File, (int)info.UnixFileMode, 0, 0, info.Length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }

    public IReadOnlyList<string> List(string directory)
    {
        try
        {
            return Directory.EnumerateFileSystemEntries(HostPath(directory)).Select(Path.GetFileName).OfType<string>().ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    public async ValueTask<IReadOnlyDictionary<string, byte[]>> ReadFilesAsync(IReadOnlyCollection<string> paths, long limit, CancellationToken ct)
    {
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            try
            {
                var full = HostPath(path);
                if (new FileInfo(full) is { Exists: true, LinkTarget: null } info && info.Length <= limit)
                    result[path] = await File.ReadAllBytesAsync(full, ct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        return result;
    }

    private string HostPath(string path) => Path.Join(_root, path.TrimStart('/'));
}
