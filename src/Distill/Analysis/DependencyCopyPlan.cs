namespace Distill.Analysis;

/// <summary>
/// What <see cref="DependencyCopy"/> found to add, sorted by path (parents before children), and notes for the user:
/// why nothing was needed, or optional runtime loads the source does not have.
/// </summary>
public sealed record DependencyCopyPlan(IReadOnlyList<AddedFile> Files, IReadOnlyList<string> Notes)
{
    /// <summary>The bytes the added regular files take.</summary>
    public long Size { get; init; }
}
