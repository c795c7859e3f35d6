using Distill.Oci;

namespace Distill.Analysis.Inspect;

/// <summary>
/// One layer: its blob (<see cref="Digest"/>, <see cref="CompressedSize"/> from the descriptor), the length of its
/// uncompressed tar (<see cref="UncompressedSize"/>, headers and padding included, as measured while streaming), the
/// bytes of its regular files (<see cref="FilesSize"/>, dive's layer size), its tar entries (whiteouts included) and the
/// history entry that made it (history entries marked <c>empty_layer</c> are skipped to line history up with layers).
/// </summary>
public sealed record LayerInspection(int Index, Digest Digest, Digest DiffId, string MediaType, long CompressedSize, long UncompressedSize, long FilesSize, int EntryCount)
{
    public string? CreatedBy { get; init; }
    public string? Created { get; init; }
    public string? Comment { get; init; }
}
