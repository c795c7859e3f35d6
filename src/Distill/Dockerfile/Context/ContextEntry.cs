namespace Distill.Dockerfile;

/// <summary>One entry of a build context: its slash-separated path relative to the context root, and its kind.</summary>
public sealed record ContextEntry(string Path, ContextEntryKind Kind)
{
    public override string ToString() => Kind == ContextEntryKind.Directory ? Path + "/" : Path;
}
