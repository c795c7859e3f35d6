namespace Distill.Build;

/// <summary>What a RUN step starts: command, environment, directory, user, network and extra mounts.</summary>
internal sealed record StepProcess
{
    public required IReadOnlyList<string> Args { get; init; }
    public required IReadOnlyList<string> Env { get; init; }
    public string Cwd { get; init; } = "/";
    public int Uid { get; init; }
    public int Gid { get; init; }
    public IReadOnlyList<int> AdditionalGids { get; init; } = [];
    /// <summary>Share the host's network namespace (docker build's default); false gives the step only its own loopback.</summary>
    public bool HostNetwork { get; init; } = true;
    public IReadOnlyList<StepMount> Mounts { get; init; } = [];
    public string Hostname { get; init; } = "buildkitsandbox";
}

/// <summary>An extra mount of a RUN step: a host path bound in, or a tmpfs.</summary>
internal sealed record StepMount(string Destination, string Type, string Source, IReadOnlyList<string> Options);
