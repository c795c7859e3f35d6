namespace Distill.Analysis.Inventory;

/// <summary>A package as an OS package database records it, before package URLs are made (they need the distribution).</summary>
public sealed record InstalledPackage(string Name, string Version, string? Architecture, string Location)
{
    public string? SourceName { get; init; }
    public string? SourceVersion { get; init; }
    public IReadOnlyList<string> Licenses { get; init; } = [];
}
