namespace Distill.Cli.Commands;

/// <summary>A package of the image (one per package URL; <see cref="Locations"/>: where its database entry or binaries are).</summary>
internal sealed record InspectJsonPackage(string Name, string Version, string Type, string Purl, IReadOnlyList<string> Locations);
