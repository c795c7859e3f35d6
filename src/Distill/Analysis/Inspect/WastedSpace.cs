namespace Distill.Analysis.Inspect;

/// <summary>
/// Space the layers spend on files that a later layer overwrites or removes, counted as dive counts it (see the
/// module README): <see cref="Bytes"/> is the sum over such paths of every version's size, the final one included;
/// <see cref="Efficiency"/> is Σ smallest version / Σ all versions over every path (1 when nothing is wasted).
/// <see cref="PathCount"/> counts the paths that waste bytes; <see cref="Largest"/> lists the largest of them.
/// </summary>
public sealed record WastedSpace(long Bytes, double Efficiency, int PathCount, IReadOnlyList<WastedPath> Largest);
