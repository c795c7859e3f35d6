namespace Distill.Analysis;

/// <summary>
/// A root filesystem to analyse without running it: an image's (layers merged) or a host directory's. Paths are
/// absolute inside the root; symlinks are resolved by <see cref="RootPath"/> inside the root, never on the host.
/// </summary>
public interface IRootFilesystem
{
    /// <summary>For messages: <c>image sha256:…</c>, <c>directory /srv/root</c>.</summary>
    string Description { get; }

    /// <summary>The entry at a path whose parent directories are already resolved, without following a final symlink; null when absent.</summary>
    RootEntry? Lstat(string path);

    /// <summary>Names in a resolved directory (empty when it is not one).</summary>
    IReadOnlyList<string> List(string directory);

    /// <summary>
    /// The bytes of resolved regular files, reading each source (layer) at most once for the batch. Files larger
    /// than <paramref name="limit"/> or unreadable are left out of the result.
    /// </summary>
    ValueTask<IReadOnlyDictionary<string, byte[]>> ReadFilesAsync(IReadOnlyCollection<string> paths, long limit, CancellationToken ct);

    /// <summary>
    /// The loader's view of resolved files (null: missing, unreadable or not ELF). By default the files are read and
    /// parsed now; an image may have parsed them while it was indexed (<see cref="ImagePrefetch.ParseElf"/>).
    /// </summary>
    async ValueTask<IReadOnlyDictionary<string, ElfFile?>> ReadElfFilesAsync(IReadOnlyCollection<string> paths, CancellationToken ct)
    {
        var bytes = await ReadFilesAsync(paths, LibraryResolver.ElfLimit, ct);
        return paths.Distinct(StringComparer.Ordinal).ToDictionary(p => p, p => bytes.TryGetValue(p, out var data) ? ElfReader.Read(data) : null, StringComparer.Ordinal);
    }
}
