namespace Distill.Cli.Commands;

/// <summary>
/// <c>distill inspect --json</c>: identity, config summary, sizes, layers, largest paths, dive's wasted space and
/// efficiency, the attack surface by kind, packages and the gates that failed. Sizes are bytes.
/// </summary>
internal sealed record InspectJsonReport
{
    public required string Reference { get; init; }
    public required string Digest { get; init; }
    public required string MediaType { get; init; }
    public required string Platform { get; init; }
    public string? Created { get; init; }
    public required InspectJsonConfig Config { get; init; }
    public required long CompressedSize { get; init; }
    public required long UncompressedSize { get; init; }
    /// <summary>Bytes of the final filesystem's regular files.</summary>
    public required long FilesSize { get; init; }
    public required int FileCount { get; init; }
    public required int DirectoryCount { get; init; }
    public required int SymlinkCount { get; init; }
    public required IReadOnlyList<InspectJsonLayer> Layers { get; init; }
    public required IReadOnlyList<InspectJsonPath> LargestFiles { get; init; }
    public required IReadOnlyList<InspectJsonPath> LargestDirectories { get; init; }
    public required long WastedBytes { get; init; }
    public required double Efficiency { get; init; }
    public required IReadOnlyList<InspectJsonWastedPath> WastedPaths { get; init; }
    public required bool RootUser { get; init; }
    public required IReadOnlyList<InspectJsonFinding> Shells { get; init; }
    public required IReadOnlyList<InspectJsonFinding> PackageManagers { get; init; }
    public required IReadOnlyList<InspectJsonFinding> SetuidFiles { get; init; }
    public required IReadOnlyList<InspectJsonFinding> WorldWritable { get; init; }
    public required IReadOnlyList<InspectJsonFinding> Compilers { get; init; }
    public required IReadOnlyList<InspectJsonFinding> NetworkTools { get; init; }
    public required IReadOnlyList<InspectJsonFinding> Secrets { get; init; }
    public required IReadOnlyList<InspectJsonPackage> Packages { get; init; }
    public required IReadOnlyList<string> GateFailures { get; init; }
}
