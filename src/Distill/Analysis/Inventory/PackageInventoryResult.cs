namespace Distill.Analysis.Inventory;

/// <summary>The packages of an image, sorted (type, name, version, location), its distribution, and what could not be read.</summary>
public sealed record PackageInventoryResult(IReadOnlyList<Package> Packages, OsRelease? OperatingSystem, IReadOnlyList<string> Problems)
{
    /// <summary>
    /// One package per package URL, with the locations of all its copies: what a count of packages means to a reader
    /// (the Go toolchain's 19 binaries each carry <c>stdlib@1.19.8</c>; an SBOM keeps them apart, a summary does not).
    /// </summary>
    public IReadOnlyList<Package> Distinct() => Packages
        .GroupBy(p => p.Purl, StringComparer.Ordinal)
        .Select(g => g.Count() == 1 ? g.First() : g.First() with
        {
            Locations = g.SelectMany(p => p.Locations).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
        })
        .ToList();
}
