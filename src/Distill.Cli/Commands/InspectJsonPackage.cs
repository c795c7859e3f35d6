namespace Distill.Cli.Commands;

/// <summary>A package of the image (filled from the package inventory).</summary>
internal sealed record InspectJsonPackage(string Name, string Version, string Type, string Purl);
