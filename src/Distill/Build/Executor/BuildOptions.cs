using Distill.Oci;

namespace Distill.Build;

/// <summary>What <c>distill build</c> builds and how (docker build's names).</summary>
public sealed record BuildOptions
{
    /// <summary>The build context directory.</summary>
    public required string ContextDirectory { get; init; }
    /// <summary>The Dockerfile (default: <c>CONTEXT/Dockerfile</c>).</summary>
    public string? DockerfilePath { get; init; }
    public string? Target { get; init; }
    public IReadOnlyDictionary<string, string> BuildArgs { get; init; } = new Dictionary<string, string>();
    /// <summary>Secrets by id: a file path or <c>env:NAME</c>. Never in cache keys, layers or history.</summary>
    public IReadOnlyDictionary<string, BuildSecret> Secrets { get; init; } = new Dictionary<string, BuildSecret>();
    public bool NoCache { get; init; }
    public Platform Platform { get; init; } = Platform.LinuxAmd64;
    /// <summary>runc (default) or crun.</summary>
    public string Runtime { get; init; } = "runc";
    /// <summary>RUN steps share the host's network (docker build's default); false: none.</summary>
    public bool HostNetwork { get; init; } = true;
    public LayerCompression Compression { get; init; } = LayerCompression.Gzip;
    public IBuildProgress Progress { get; init; } = NullBuildProgress.Instance;
    public TransportOptions Transport { get; init; } = new();
    /// <summary>An HTTP client for ADD of URLs (null: one is made when needed).</summary>
    public HttpClient? Http { get; init; }
    /// <summary>Add the entrypoint's dependencies from the stage the final stage copies it from (<see cref="FinalStageDependencies"/>).</summary>
    public bool WithDependencies { get; init; }
    /// <summary>Verify the final image before returning it (<c>--verify</c>); off by default here, warn in the CLI.</summary>
    public BuildVerification Verify { get; init; } = BuildVerification.Off;
    /// <summary>overlayfs or copy, ahead of <c>DISTILL_SNAPSHOTTER</c> (tests in one process choose per build).</summary>
    internal string? Snapshotter { get; init; }
}

/// <summary>A <c>--secret</c>: its content comes from a file or an environment variable of the build's process.</summary>
public sealed record BuildSecret(string? File, string? EnvironmentVariable)
{
    public byte[] Read(string id)
    {
        if (File is not null)
        {
            return System.IO.File.Exists(File) ? System.IO.File.ReadAllBytes(File)
                : throw new BuildException($"secret {id}: file {File} does not exist");
        }
        return Environment.GetEnvironmentVariable(EnvironmentVariable!) is { } value ? System.Text.Encoding.UTF8.GetBytes(value)
            : throw new BuildException($"secret {id}: environment variable {EnvironmentVariable} is not set");
    }
}
