namespace Distill.Analysis;

/// <summary>A library (or the interpreter) the loader would map: under which name, where it was found and how.</summary>
public sealed record LoadedObject(string Name, string Path, string RealPath, string NeededBy, LibrarySource Source, ElfFile Elf);
