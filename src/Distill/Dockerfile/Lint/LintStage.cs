namespace Distill.Dockerfile;

/// <summary>
/// A stage as the linter sees it: tolerant of what <see cref="DockerfileDocument"/> rejects (duplicate or invalid
/// names, instructions that failed to parse are left out and reported).
/// </summary>
internal sealed record LintStage(int Index, Node FromNode, FromInstruction? From, IReadOnlyList<Instruction> Instructions)
{
    /// <summary>The stage name as written, or null.</summary>
    public string? Name => From?.StageName;
}
