namespace Distill.Analysis;

/// <summary>A verify rule as data: a stable id (<c>library-missing</c>) and what it checks.</summary>
public sealed record VerifyRule(string Id, string Title);
