namespace Distill.Analysis;

/// <summary>Why a path does not resolve to an entry.</summary>
public enum PathProblem
{
    None,
    NotFound,
    NotDirectory,
    SymlinkLoop,
}
