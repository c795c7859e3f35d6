namespace Distill.Cli.Commands;

/// <summary>A package of the image (filled from the package inventory); <c>Locations</c> are the files that say it is there.</summary>
internal sealed record InspectJsonPackage(string Name, string Version, string Type, string Purl, IReadOnlyList<string> Locations);
