namespace Distill.Analysis.Report;

/// <summary>One attack-surface finding of the report: its kind (shell, package-manager, setuid, world-writable, tool, root-user, secret…), where, and why.</summary>
public sealed record SurfaceFact(string Kind, string Path, string Detail);
