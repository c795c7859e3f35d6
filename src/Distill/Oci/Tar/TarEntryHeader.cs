namespace Distill.Oci;

/// <summary>
/// One tar entry's metadata, as layers carry it: a clean relative path (directories without a trailing slash),
/// permission bits (incl. setuid, setgid, sticky), numeric owner, size, mtime in Unix seconds, link target and xattrs.
/// </summary>
public sealed record TarEntryHeader
{
    public required string Name { get; init; }
    public required TarEntryKind Kind { get; init; }
    /// <summary>Permission bits and setuid/setgid/sticky: <c>07777</c> at most.</summary>
    public int Mode { get; init; }
    public int Uid { get; init; }
    public int Gid { get; init; }
    public long Size { get; init; }
    public long ModTime { get; init; }
    /// <summary>Symlink target, or for a hardlink the path (in the same layer) it links to.</summary>
    public string LinkName { get; init; } = "";
    public int DevMajor { get; init; }
    public int DevMinor { get; init; }
    /// <summary>Extended attributes (<c>SCHILY.xattr.*</c> in PAX), values as raw bytes.</summary>
    public IReadOnlyDictionary<string, byte[]>? Xattrs { get; init; }
    /// <summary>User and group names as read; Distill never writes them.</summary>
    public string? UserName { get; init; }
    public string? GroupName { get; init; }

    /// <summary>Cleans a tar path: no leading <c>./</c> or <c>/</c>, no trailing <c>/</c>, no empty or <c>.</c> segments.</summary>
    public static string CleanName(string name)
    {
        var parts = name.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var kept = new List<string>(parts.Length);
        foreach (var p in parts)
        {
            if (p == ".")
                continue;
            kept.Add(p);
        }
        return string.Join('/', kept);
    }
}
