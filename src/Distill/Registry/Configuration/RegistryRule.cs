namespace Distill.Registry.Configuration;

/// <summary>
/// One <c>[[registry]]</c> table (or a v1 entry): the names it applies to (<see cref="Prefix"/>), where they really live
/// (<see cref="Location"/>), and how to reach them.
/// </summary>
public sealed record RegistryRule
{
    /// <summary><c>host[:port][/ns...][/repo][:tag|@digest]</c>, or <c>*.example.com</c>; defaults to the location.</summary>
    public required string Prefix { get; init; }

    /// <summary>
    /// <c>host[:port][/ns...]</c> replacing the matched prefix. Defaults to the prefix (without tag or digest); empty only
    /// for a wildcard prefix, which then rewrites nothing.
    /// </summary>
    public string Location { get; init; } = "";

    public bool Insecure { get; init; }
    public bool Blocked { get; init; }
    public bool MirrorByDigestOnly { get; init; }
    public IReadOnlyList<RegistryMirror> Mirrors { get; init; } = [];

    /// <summary>Where it was defined (<c>FILE:LINE</c>), for messages.</summary>
    public string? Source { get; init; }

    public bool IsWildcard => Prefix.StartsWith("*.", StringComparison.Ordinal);
}
