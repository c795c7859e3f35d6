namespace Distill.Analysis.Report;

/// <summary>One layer row of the report: digest, sizes and the history line that made it.</summary>
public sealed record LayerFact(string Digest, long CompressedSize, long UncompressedSize, string CreatedBy);
