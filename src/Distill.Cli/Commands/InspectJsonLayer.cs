namespace Distill.Cli.Commands;

/// <summary>A layer in <see cref="InspectJsonReport"/>.</summary>
internal sealed record InspectJsonLayer(int Index, string Digest, string DiffId, string MediaType, long CompressedSize, long UncompressedSize,
    long FilesSize, int Entries, string? CreatedBy, string? Created);
