namespace Distill.Analysis.Compare;

/// <summary>Two images side by side; <see cref="Ratio"/> is A's uncompressed size over B's (how many times larger A is).</summary>
public sealed record ImageComparison(ImageFacts A, ImageFacts B)
{
    /// <summary>A's uncompressed size / B's; infinity when B is empty and A is not, 1 when both are empty.</summary>
    public double Ratio => B.UncompressedSize > 0 ? (double)A.UncompressedSize / B.UncompressedSize : A.UncompressedSize > 0 ? double.PositiveInfinity : 1;

    /// <summary>A's compressed size / B's, with the same conventions as <see cref="Ratio"/>.</summary>
    public double CompressedRatio => B.CompressedSize > 0 ? (double)A.CompressedSize / B.CompressedSize : A.CompressedSize > 0 ? double.PositiveInfinity : 1;
}
