namespace Distill.Analysis.Inventory;

/// <summary>The packages of an image, sorted (type, name, version, location), its distribution, and what could not be read.</summary>
public sealed record PackageInventoryResult(IReadOnlyList<Package> Packages, OsRelease? OperatingSystem, IReadOnlyList<string> Problems);
