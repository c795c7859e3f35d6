namespace Distill.Analysis.Inspect;

/// <summary>A file or directory of the final filesystem and its size (a directory's: the bytes of the files under it), with the layer that wrote it.</summary>
public sealed record SizedPath(string Path, long Size, int Layer);
