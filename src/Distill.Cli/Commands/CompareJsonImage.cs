namespace Distill.Cli.Commands;

/// <summary>One side of <c>distill compare --json</c>; <c>packagesByType</c> counts by package URL type (<c>deb</c>, <c>golang</c>…).</summary>
internal sealed record CompareJsonImage(
    string Reference,
    string Digest,
    long CompressedSize,
    long UncompressedSize,
    int Layers,
    long Files,
    int Packages,
    IReadOnlyDictionary<string, int> PackagesByType,
    IReadOnlyList<string> Shells,
    IReadOnlyList<string> PackageManagers,
    IReadOnlyList<string> SetuidFiles);
