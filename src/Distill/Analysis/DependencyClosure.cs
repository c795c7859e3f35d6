namespace Distill.Analysis;

/// <summary>
/// What an executable needs at load time inside a root filesystem: its interpreter and every library, transitively,
/// each with the path it came from; what is missing; and notes.
/// </summary>
public sealed record DependencyClosure(
    LoadedObject? Interpreter,
    MissingLibrary? MissingInterpreter,
    IReadOnlyList<LoadedObject> Libraries,
    IReadOnlyList<MissingLibrary> Missing,
    IReadOnlyList<ClosureNote> Notes)
{
    public bool IsComplete => MissingInterpreter is null && Missing.Count == 0;
}
