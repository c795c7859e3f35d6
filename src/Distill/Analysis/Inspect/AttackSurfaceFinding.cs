namespace Distill.Analysis.Inspect;

/// <summary>
/// One attack surface finding: what (<see cref="Kind"/>), where (absolute <see cref="Path"/> and the <see cref="Layer"/>
/// that wrote it; both null for <see cref="AttackSurfaceKind.RootUser"/>), whether it is still in the final
/// filesystem, and a short <see cref="Detail"/> (<c>symlink to /usr/bin/dash</c>, <c>setuid uid 0</c>, <c>SSH private key</c>).
/// </summary>
public sealed record AttackSurfaceFinding(AttackSurfaceKind Kind, string? Path, int? Layer, FilePresence Presence, string Detail)
{
    public override string ToString() =>
        $"{Kind.Id()}: {Path ?? "config"}{(Layer is { } l ? $" (layer {l})" : "")}{(Presence == FilePresence.Present ? "" : $" [{Presence.ToString().ToLowerInvariant()}]")}{(Detail.Length > 0 ? $" — {Detail}" : "")}";
}
