namespace Distill.Analysis.Compare;

/// <summary>One installed package as the comparison and the report show it.</summary>
public sealed record PackageFact(string Name, string Version, string Type, string Purl);
