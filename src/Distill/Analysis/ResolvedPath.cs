namespace Distill.Analysis;

/// <summary>A path after following its symlinks inside a root: the final path and entry, or why there is none.</summary>
public sealed record ResolvedPath(string Requested, string Path, RootEntry? Entry, PathProblem Problem)
{
    public bool Exists => Problem == PathProblem.None && Entry is not null;
}
