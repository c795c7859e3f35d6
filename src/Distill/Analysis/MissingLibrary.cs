namespace Distill.Analysis;

/// <summary>A needed library the loader would not find; <see cref="Reason"/> tells about near misses (wrong class, loops).</summary>
public sealed record MissingLibrary(string Name, string NeededBy, string? Reason);
