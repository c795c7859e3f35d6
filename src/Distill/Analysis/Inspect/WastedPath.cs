namespace Distill.Analysis.Inspect;

/// <summary>A path written more than once across the layers, or removed: <see cref="Versions"/> entries, <see cref="Bytes"/> in all (dive's "count" and "total space").</summary>
public sealed record WastedPath(string Path, int Versions, long Bytes);
