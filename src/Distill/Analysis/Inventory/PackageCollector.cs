namespace Distill.Analysis.Inventory;

/// <summary>
/// Gathers what the inventory needs while a caller streams an image's files past it — package databases kept as
/// bytes, Go binaries reduced to their build info — so a command that already walks the layers (inspect) gets the
/// packages from the same pass. Feed it every regular file of the final filesystem (it decides cheaply what to read),
/// or walk layers bottom-up and call <see cref="Forget"/> for what an upper layer removes or replaces.
/// </summary>
public sealed class PackageCollector
{
    private readonly Dictionary<string, byte[]> _databases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GoBuildInfo> _goBinaries = new(StringComparer.Ordinal);

    /// <summary>Whether <see cref="ObserveAsync"/> would read a file with this path and mode (callers may skip the others).</summary>
    public static bool Wants(string path, int mode) => PackageInventory.IsDatabase(path) || (mode & 0x49) != 0;

    /// <summary>Looks at one regular file's bytes (the stream is read, not disposed); replaces what was known about the path.</summary>
    public async ValueTask ObserveAsync(string path, int mode, long size, Stream data, CancellationToken ct)
    {
        Forget(path);
        if (PackageInventory.IsDatabase(path))
        {
            if (size > PackageInventory.DatabaseLimit)
                return;
            var bytes = new byte[size];
            await data.ReadExactlyAsync(bytes, ct);
            _databases[path] = bytes;
        }
        else if ((mode & 0x49) != 0 && size >= 64 && await GoBinaryReader.ReadAsync(data, ct) is { } go)
            _goBinaries[path] = go;
    }

    /// <summary>Drops a path and everything beneath it (a whiteout, or a non-file that replaced it).</summary>
    public void Forget(string path)
    {
        _databases.Remove(path);
        _goBinaries.Remove(path);
        var prefix = path.TrimEnd('/') + "/";
        foreach (var key in _databases.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList())
            _databases.Remove(key);
        foreach (var key in _goBinaries.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList())
            _goBinaries.Remove(key);
    }

    /// <summary>Drops exactly one path (a directory entry that replaces a directory keeps what is beneath it).</summary>
    public void ForgetExact(string path)
    {
        _databases.Remove(path);
        _goBinaries.Remove(path);
    }

    /// <summary>
    /// Takes what <paramref name="upper"/> observed (one layer's files, collected while layers are read in parallel)
    /// over what this collector holds; the caller has already forgotten what that layer removes or replaces.
    /// </summary>
    public void Absorb(PackageCollector upper)
    {
        foreach (var (path, bytes) in upper._databases)
            _databases[path] = bytes;
        foreach (var (path, info) in upper._goBinaries)
            _goBinaries[path] = info;
    }

    /// <summary>The packages from everything observed.</summary>
    public PackageInventoryResult Finish() => PackageInventory.Build(_databases, _goBinaries);
}
