namespace Distill.Analysis.Inspect;

/// <summary>A file that looks like a secret, as seen in one layer (<see cref="Path"/> is absolute).</summary>
public sealed record SecretMatch(string Path, int Layer, string Detail);
