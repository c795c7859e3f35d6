namespace Distill.Build;

/// <summary>One COPY or ADD with its words already expanded (ARG/ENV), as the executor hands it to <see cref="FileCopier"/>.</summary>
public sealed record CopyRequest
{
    public required IReadOnlyList<string> Sources { get; init; }
    public required string Destination { get; init; }
    /// <summary>The stage's WORKDIR: a relative destination is below it.</summary>
    public string WorkingDir { get; init; } = "/";
    public bool IsAdd { get; init; }
    /// <summary><c>--chown</c> (user[:group], names resolved through the target's /etc/passwd and /etc/group).</summary>
    public string? Chown { get; init; }
    /// <summary><c>--chmod</c> (octal, or symbolic as BuildKit accepts).</summary>
    public string? Chmod { get; init; }
    public bool Parents { get; init; }
    public IReadOnlyList<string> Excludes { get; init; } = [];
    /// <summary>ADD <c>--checksum=sha256:...</c>.</summary>
    public string? Checksum { get; init; }
    /// <summary>ADD <c>--unpack</c> (null: archives from the context are unpacked, URLs are not).</summary>
    public bool? Unpack { get; init; }
    public bool KeepGitDir { get; init; }
    public bool Link { get; init; }
    /// <summary>Where the instruction is, for messages: <c>Dockerfile:12</c>.</summary>
    public string Location { get; init; } = "Dockerfile";
}
