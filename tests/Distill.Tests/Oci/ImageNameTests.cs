using CsCheck;
using Distill.Oci;

namespace Distill.Tests.Oci;

/// <summary>Docker's name normalisation (distribution/reference): what <c>docker pull NAME</c> would resolve.</summary>
public sealed class ImageNameTests
{
    private const string Hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    [Theory]
    [InlineData("ubuntu", "docker.io", "library/ubuntu", "latest", null, "ubuntu:latest")]
    [InlineData("ubuntu:22.04", "docker.io", "library/ubuntu", "22.04", null, "ubuntu:22.04")]
    [InlineData("library/ubuntu", "docker.io", "library/ubuntu", "latest", null, "ubuntu:latest")]
    [InlineData("docker.io/ubuntu", "docker.io", "library/ubuntu", "latest", null, "ubuntu:latest")]
    [InlineData("docker.io/library/ubuntu:1", "docker.io", "library/ubuntu", "1", null, "ubuntu:1")]
    [InlineData("index.docker.io/library/ubuntu:1", "docker.io", "library/ubuntu", "1", null, "ubuntu:1")]
    [InlineData("registry-1.docker.io/user/app", "docker.io", "user/app", "latest", null, "user/app:latest")]
    [InlineData("user/app", "docker.io", "user/app", "latest", null, "user/app:latest")]
    [InlineData("docker.io/library/foo/bar", "docker.io", "library/foo/bar", "latest", null, "library/foo/bar:latest")]
    [InlineData("localhost/x", "localhost", "x", "latest", null, "localhost/x:latest")]
    [InlineData("localhost:5000/x", "localhost:5000", "x", "latest", null, "localhost:5000/x:latest")]
    [InlineData("localhost:5000/x:v2", "localhost:5000", "x", "v2", null, "localhost:5000/x:v2")]
    [InlineData("registry.example.com:5000/team/app", "registry.example.com:5000", "team/app", "latest", null, "registry.example.com:5000/team/app:latest")]
    [InlineData("registry.example.com:5000/team/app:v1.2_rc-3", "registry.example.com:5000", "team/app", "v1.2_rc-3", null, "registry.example.com:5000/team/app:v1.2_rc-3")]
    [InlineData("ghcr.io/owner/repo@sha256:" + Hex, "ghcr.io", "owner/repo", null, "sha256:" + Hex, "ghcr.io/owner/repo@sha256:" + Hex)]
    [InlineData("ubuntu:22.04@sha256:" + Hex, "docker.io", "library/ubuntu", "22.04", "sha256:" + Hex, "ubuntu:22.04@sha256:" + Hex)]
    [InlineData("localhost:5000/x@sha256:" + Hex, "localhost:5000", "x", null, "sha256:" + Hex, "localhost:5000/x@sha256:" + Hex)]
    [InlineData("gcr.io/a/b/c:tag", "gcr.io", "a/b/c", "tag", null, "gcr.io/a/b/c:tag")]
    [InlineData("Example.COM/app", "Example.COM", "app", "latest", null, "Example.COM/app:latest")]
    [InlineData("my_user/my__app-x", "docker.io", "my_user/my__app-x", "latest", null, "my_user/my__app-x:latest")]
    [InlineData("localhost:5000", "docker.io", "library/localhost", "5000", null, "localhost:5000")]
    [InlineData("[::1]:5000/app", "[::1]:5000", "app", "latest", null, "[::1]:5000/app:latest")]
    public void Normalises_like_docker(string value, string domain, string repository, string? tag, string? digest, string familiar)
    {
        var name = ImageName.Parse(value);
        Assert.Equal(domain, name.Domain);
        Assert.Equal(repository, name.Repository);
        Assert.Equal(tag, name.Tag);
        Assert.Equal(digest, name.Digest?.ToString());
        Assert.Equal(familiar, name.Familiar);
        Assert.Equal($"{domain}/{repository}", name.Name);
        Assert.Equal(name, ImageName.Parse(name.ToString()));
        Assert.Equal(name, ImageName.Parse(name.Familiar));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Ubuntu")]
    [InlineData("ubuntu:")]
    [InlineData("docker.io/Library/ubuntu")]
    [InlineData("localhost:5000/X")]
    [InlineData("user/App:1")]
    [InlineData("ubuntu@sha256:abc")]
    [InlineData("ubuntu@")]
    [InlineData("-ubuntu")]
    [InlineData("ubuntu-")]
    [InlineData("a//b")]
    [InlineData("a/b/")]
    [InlineData("ubuntu:tag with space")]
    [InlineData("ubuntu:-tag")]
    [InlineData("ubuntu:.tag")]
    [InlineData("ubuntu:" + "t12345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678")]
    [InlineData("ubu ntu")]
    [InlineData("ubuntu:a:b")]
    [InlineData("docker.io/")]
    public void Rejects_invalid_names(string value)
    {
        var e = Assert.Throws<FormatException>(() => ImageName.Parse(value));
        Assert.Contains($"\"{value}\"", e.Message, StringComparison.Ordinal);
        Assert.False(ImageName.TryParse(value, out var name));
        Assert.Null(name);
    }

    [Fact]
    public void Parsing_what_a_name_prints_gives_the_name()
    {
        var component = Gen.String[Gen.Char["abcxyz019"], 1, 8];
        var separator = Gen.OneOfConst(".", "_", "__", "-", "---");
        var pathComponent = Gen.Select(component, Gen.Select(separator, component).Array[0, 2],
            (first, rest) => first + string.Concat(rest.Select(r => r.Item1 + r.Item2)));
        var domain = Gen.OneOfConst<string?>(null, "docker.io", "localhost", "localhost:5000", "ghcr.io", "registry.example.com:443", "10.0.0.1:5000");
        var tag = Gen.OneOf(Gen.Const((string?)null), Gen.String[Gen.Char["abcXYZ019_.-"], 0, 20].Select(t => (string?)("v" + t)));
        var digest = Gen.OneOf(Gen.Const((Digest?)null), Gen.Byte.Array[0, 8].Select(b => (Digest?)Digest.Compute(b)));
        // docker.io/a.b/c prints as a.b/c, which names registry a.b: Docker has the same ambiguity (Hub namespaces have no dots)
        Gen.Select(domain, pathComponent.Array[1, 4], tag, digest).Where((d, path, _, _) => !(d == "docker.io" && path[0].Contains('.', StringComparison.Ordinal)))
        .Sample((d, path, t, dg) =>
        {
            var text = (d is null ? "" : d + "/") + string.Join('/', path) + (t is null ? "" : ":" + t) + (dg is null ? "" : "@" + dg);
            var name = ImageName.Parse(text);
            Assert.Equal(t ?? (dg is null ? "latest" : null), name.Tag);
            Assert.Equal(dg, name.Digest);
            Assert.Equal(name, ImageName.Parse(name.ToString()));
            Assert.Equal(name, ImageName.Parse(name.Familiar));
            Assert.StartsWith(name.Domain + "/", name.ToString(), StringComparison.Ordinal);
        }, iter: 500);
    }
}
