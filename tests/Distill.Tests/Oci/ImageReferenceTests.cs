using Distill.Oci;

namespace Distill.Tests.Oci;

/// <summary>skopeo's transport syntax, each transport and its errors.</summary>
public sealed class ImageReferenceTests
{
    private const string Hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    public static TheoryData<string, ImageReference> Valid => new()
    {
        { "oci:/tmp/layout", new OciLayoutReference("/tmp/layout", null) },
        { "oci:/tmp/layout:v1", new OciLayoutReference("/tmp/layout", "v1") },
        { "oci:relative/dir:latest", new OciLayoutReference("relative/dir", "latest") },
        { "oci:/tmp/layout:", new OciLayoutReference("/tmp/layout", null) },
        { "oci-archive:/tmp/a.tar", new OciArchiveReference("/tmp/a.tar", null) },
        { "oci-archive:/tmp/a.tar:latest", new OciArchiveReference("/tmp/a.tar", "latest") },
        { "docker-archive:/tmp/a.tar", new DockerArchiveReference("/tmp/a.tar", null, null) },
        { "docker-archive:/tmp/a.tar:app:v1", new DockerArchiveReference("/tmp/a.tar", ImageName.Parse("docker.io/library/app:v1"), null) },
        { "docker-archive:/tmp/a.tar:localhost:5000/app", new DockerArchiveReference("/tmp/a.tar", ImageName.Parse("localhost:5000/app:latest"), null) },
        { "docker-archive:/tmp/a.tar:@2", new DockerArchiveReference("/tmp/a.tar", null, 2) },
        { "docker://ghcr.io/a/b:1", new RegistryReference(ImageName.Parse("ghcr.io/a/b:1")) },
        { "docker://ubuntu", new RegistryReference(ImageName.Parse("docker.io/library/ubuntu:latest")) },
        { "docker://localhost:5000/x@sha256:" + Hex, new RegistryReference(ImageName.Parse("localhost:5000/x@sha256:" + Hex)) },
        { "ubuntu", new StoreReference(ImageName.Parse("ubuntu:latest")) },
        { "user/app:2", new StoreReference(ImageName.Parse("docker.io/user/app:2")) },
        { "localhost:5000/x:1", new StoreReference(ImageName.Parse("localhost:5000/x:1")) },
        { "localhost/x", new StoreReference(ImageName.Parse("localhost/x")) },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Parses_each_transport(string value, ImageReference expected)
    {
        var reference = ImageReference.Parse(value);
        Assert.Equal(expected, reference);
        // what it prints parses back to the same reference
        Assert.Equal(reference, ImageReference.Parse(reference.ToString()));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("oci:", "missing path")]
    [InlineData("oci-archive:", "missing path")]
    [InlineData("docker-archive:", "missing path")]
    [InlineData("docker-archive:/tmp/a.tar:@x", "@N")]
    [InlineData("docker-archive:/tmp/a.tar:@-1", "@N")]
    [InlineData("docker-archive:/tmp/a.tar:Bad", "docker-archive:/tmp/a.tar:Bad")]
    [InlineData("docker:ghcr.io/a", "docker://")]
    [InlineData("docker://", "docker://")]
    [InlineData("docker://ghcr.io/A", "docker://ghcr.io/A")]
    [InlineData("containers-storage:ubuntu", "not supported")]
    [InlineData("docker-daemon:ubuntu:latest", "not supported")]
    [InlineData("dir:/tmp/x", "not supported")]
    [InlineData("Ubuntu", "Ubuntu")]
    [InlineData("ubuntu:bad tag", "ubuntu:bad tag")]
    public void Rejects_invalid_references(string value, string mentioned)
    {
        var e = Assert.Throws<FormatException>(() => ImageReference.Parse(value));
        Assert.Contains(mentioned, e.Message, StringComparison.Ordinal);
    }
}
