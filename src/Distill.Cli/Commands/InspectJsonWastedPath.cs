namespace Distill.Cli.Commands;

/// <summary>A path written more than once or removed: its versions and their bytes (dive's count and total space).</summary>
internal sealed record InspectJsonWastedPath(string Path, int Versions, long Bytes);
