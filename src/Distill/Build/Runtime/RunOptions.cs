namespace Distill.Build;

/// <summary>How <c>distill run</c> starts an image (docker run's names).</summary>
public sealed record RunOptions
{
    /// <summary>Arguments after the image: replace CMD (or, without an entrypoint, the whole command).</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];
    public IReadOnlyList<string> Env { get; init; } = [];
    /// <summary>Keep stdin attached (<c>-i</c>); otherwise the process reads an empty stdin.</summary>
    public bool Interactive { get; init; }
    /// <summary>The OCI runtime: runc (default) or crun.</summary>
    public string Runtime { get; init; } = "runc";
    /// <summary>Share the host's network namespace; by default the container has only its own loopback.</summary>
    public bool HostNetwork { get; init; }
    public string? User { get; init; }
    public string? WorkDir { get; init; }
}
