namespace Distill.Cli.Commands;

/// <summary>
/// <c>distill compare --json</c>: <c>ratio</c> is A's uncompressed size over B's, <c>compressedRatio</c> the same for
/// the stored blobs; null when B is empty (JSON has no infinity).
/// </summary>
internal sealed record CompareJsonReport(double? Ratio, double? CompressedRatio, CompareJsonImage A, CompareJsonImage B);
