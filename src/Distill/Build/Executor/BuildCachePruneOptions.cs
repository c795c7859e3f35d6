namespace Distill.Build;

/// <summary>What <see cref="BuildCache.Prune"/> removes (docker builder prune's options).</summary>
public sealed record BuildCachePruneOptions
{
    /// <summary>Everything, not only what no image of the store uses (and cache mounts too).</summary>
    public bool All { get; init; }
    /// <summary>Only entries last used longer ago than this (<c>--filter until=</c>).</summary>
    public TimeSpan? Until { get; init; }
    /// <summary>Stop once the cache is this small, removing the least recently used first (<c>--keep-storage</c>).</summary>
    public long? KeepStorage { get; init; }
}
