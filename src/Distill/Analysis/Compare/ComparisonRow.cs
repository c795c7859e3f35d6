namespace Distill.Analysis.Compare;

/// <summary>One line of a comparison table: what is measured, A's value, B's value (already formatted).</summary>
public sealed record ComparisonRow(string Label, string A, string B);
