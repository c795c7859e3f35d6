namespace Distill.Oci;

/// <summary>Pre-defined annotation keys (<see href="https://github.com/opencontainers/image-spec/blob/main/annotations.md">annotations.md</see>).</summary>
public static class Annotations
{
    public const string RefName = "org.opencontainers.image.ref.name";
    public const string Created = "org.opencontainers.image.created";
    public const string BaseName = "org.opencontainers.image.base.name";
    public const string BaseDigest = "org.opencontainers.image.base.digest";
    /// <summary>containerd's annotation for the full image name, as written by <c>docker save</c>.</summary>
    public const string ContainerdImageName = "io.containerd.image.name";
}
