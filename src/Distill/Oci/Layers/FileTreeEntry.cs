namespace Distill.Oci;

/// <summary>One entry to put in a layer: its tar header and, for regular files, the host file with its bytes.</summary>
public sealed record FileTreeEntry(TarEntryHeader Header, string? SourcePath);
