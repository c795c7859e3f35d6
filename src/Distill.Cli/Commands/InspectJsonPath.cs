namespace Distill.Cli.Commands;

/// <summary>A file or directory and its bytes, with the layer that wrote it.</summary>
internal sealed record InspectJsonPath(string Path, long Size, int Layer);
