namespace Distill.Analysis;

/// <summary>Something about a dependency closure that is not a missing library (a malformed ELF file, a library found only through ld.so.conf).</summary>
public sealed record ClosureNote(string Path, string Message);
