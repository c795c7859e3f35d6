namespace Distill.Build;

/// <summary>What a build cache entry holds, as <c>distill builder du</c> groups them.</summary>
public enum BuildCacheKind
{
    /// <summary>The tree a RUN, COPY or ADD step wrote (<c>snap/&lt;id&gt;</c>).</summary>
    StepSnapshot,
    /// <summary>A base image's layer unpacked (<c>snap/&lt;id&gt;</c>, keyed by chain ID).</summary>
    BaseLayer,
    /// <summary>A step's snapshot compressed as a layer blob (<c>blobs/</c>).</summary>
    CompressedLayer,
    /// <summary>A <c>RUN --mount=type=cache</c> directory (<c>cache/</c>).</summary>
    CacheMount,
    /// <summary>Context checksums, what killed builds left in <c>tmp/</c>, half-committed snapshots.</summary>
    Other,
}
