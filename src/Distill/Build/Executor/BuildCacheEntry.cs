namespace Distill.Build;

/// <summary>One entry of the build cache: <paramref name="Size"/> is bytes on disk (st_blocks × 512), each inode once.</summary>
public sealed record BuildCacheEntry(string Id, BuildCacheKind Kind, string Path, long Size, DateTimeOffset LastUsed)
{
    /// <summary>In use by an image of the store (a layer of it): kept by a prune without <c>--all</c>.</summary>
    public bool InUse { get; init; }

    /// <summary>Bytes on disk also held by the store (a compressed layer hard-linked into it): not in <see cref="Size"/>.</summary>
    public long Shared { get; init; }

    /// <summary>What a prune without <c>--all</c> removes: not in use, and not a cache mount (those go only with <c>--all</c>).</summary>
    public bool Reclaimable => !InUse && Kind != BuildCacheKind.CacheMount;
}
