namespace Distill.Build;

/// <summary>Where a COPY/ADD reads from: the build context, or a stage's or image's root filesystem.</summary>
public sealed record CopySource
{
    /// <summary>The host directory that is the source's root: the context directory, or a (mounted) root filesystem.</summary>
    public required string Root { get; init; }

    /// <summary>
    /// For the build context: the entries <c>.dockerignore</c> lets through (<see cref="Distill.Dockerfile.BuildContext.ListFiles"/>
    /// paths, slash-separated, relative). Only these are visible; copied files get uid/gid 0 unless <c>--chown</c>.
    /// Null for a root filesystem: paths resolve as in a chroot (<see cref="SafeRoot"/>) and ownership is kept.
    /// </summary>
    public IReadOnlySet<string>? ContextEntries { get; init; }

    /// <summary>Names the source in messages: "build context", "stage build", "image alpine:3".</summary>
    public string Description { get; init; } = "build context";

    public bool IsContext => ContextEntries is not null;
}
