using Distill.Oci;

namespace Distill.Build;

/// <summary>The packed image and its sizes: compressed (what is stored and pulled) and uncompressed (what is unpacked).</summary>
public sealed record PackResult(IImage Image, long CompressedSize, long UncompressedSize, IReadOnlyList<BuiltLayer> NewLayers)
{
    /// <summary>What <c>--with-deps</c> added (null without it).</summary>
    public Analysis.DependencyCopyPlan? Dependencies { get; init; }
}
