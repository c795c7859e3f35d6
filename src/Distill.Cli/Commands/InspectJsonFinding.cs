namespace Distill.Cli.Commands;

/// <summary>An attack surface finding; <c>presence</c> is <c>present</c>, <c>replaced</c> or <c>deleted</c> (its bytes still ship in <c>layer</c>).</summary>
internal sealed record InspectJsonFinding(string Path, int Layer, string Presence, string Detail);
