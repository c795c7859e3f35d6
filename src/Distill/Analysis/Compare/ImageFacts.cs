namespace Distill.Analysis.Compare;

/// <summary>
/// What a comparison puts side by side for one image — the seed's RESULT table and more: sizes (compressed as stored,
/// uncompressed as the layer tars), layers, files of the final filesystem, packages and the attack surface that matters
/// most (shells, package managers, setuid/setgid files).
/// </summary>
public sealed record ImageFacts
{
    public required string Reference { get; init; }
    public required string Digest { get; init; }
    public required long CompressedSize { get; init; }
    public required long UncompressedSize { get; init; }
    public required int Layers { get; init; }
    public required long Files { get; init; }
    public required IReadOnlyList<PackageFact> Packages { get; init; }
    public required IReadOnlyList<string> Shells { get; init; }
    public required IReadOnlyList<string> PackageManagers { get; init; }
    public required IReadOnlyList<string> SetuidFiles { get; init; }
}
