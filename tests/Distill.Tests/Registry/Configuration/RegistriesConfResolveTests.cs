using Distill.Oci;
using Distill.Registry;
using Distill.Registry.Configuration;

namespace Distill.Tests.Registry.Configuration;

public sealed class RegistriesConfResolveTests
{
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static RegistriesConf Conf(string toml) => RegistriesConf.Parse(toml, "/test/registries.conf");

    private static string[] Places(RegistriesConf conf, string image) =>
        [.. conf.Resolve(ImageName.Parse(image)).Select(e => $"{(e.IsMirror ? "mirror " : "")}{e.Host}/{e.Repository}{(e.Insecure ? " (insecure)" : "")}")];

    [Fact]
    public void Man_page_example_tries_mirrors_in_order_then_the_location()
    {
        var conf = Conf("""
            unqualified-search-registries = ["example.com"]

            [[registry]]
            prefix = "example.com/foo"
            insecure = false
            blocked = false
            location = "internal-registry-for-example.com/bar"

            [[registry.mirror]]
            location = "example-mirror-0.local/mirror-for-foo"

            [[registry.mirror]]
            location = "example-mirror-1.local/mirrors/foo"
            insecure = true

            [[registry]]
            location = "registry.com"

            [[registry.mirror]]
            location = "mirror.registry.com"
            """);
        Assert.Equal(["example.com"], conf.UnqualifiedSearchRegistries);
        Assert.Equal(
            ["mirror example-mirror-0.local/mirror-for-foo/image", "mirror example-mirror-1.local/mirrors/foo/image (insecure)", "internal-registry-for-example.com/bar/image"],
            Places(conf, "example.com/foo/image:latest"));
        // A mirror belongs to its own [[registry]] only.
        Assert.Equal(["mirror mirror.registry.com/image", "registry.com/image"], Places(conf, "registry.com/image:latest"));
        // No rule: the name itself.
        Assert.Equal(["example.com/other"], Places(conf, "example.com/other:1"));
    }

    [Fact]
    public void Endpoints_keep_the_configured_host_for_docker_hub()
    {
        var conf = Conf("""
            [[registry]]
            prefix = "docker.io/library"
            location = "mirror.local:5000/lib"
            """);
        var endpoints = conf.Resolve(ImageName.Parse("busybox"));
        Assert.Equal([new RegistryEndpoint("mirror.local:5000", "lib/busybox", false, false)], endpoints);
        // Not under docker.io/library: untouched, and ApiHost is the endpoint's business.
        var other = Assert.Single(conf.Resolve(ImageName.Parse("user/app:1")));
        Assert.Equal(new RegistryEndpoint("docker.io", "user/app", false, false), other);
        Assert.Equal("registry-1.docker.io", other.ApiHost);
    }

    [Fact]
    public void Location_on_docker_hub_gets_the_library_namespace()
    {
        var conf = Conf("""
            [[registry]]
            prefix = "quay.io/mirrored"
            location = "docker.io"
            """);
        Assert.Equal(["docker.io/library/alpine"], Places(conf, "quay.io/mirrored/alpine:3"));
        Assert.Equal(["docker.io/someone/alpine"], Places(conf, "quay.io/mirrored/someone/alpine:3"));
    }

    [Fact]
    public void Longest_prefix_wins()
    {
        var conf = Conf("""
            [[registry]]
            prefix = "example.com"
            location = "host-level.local"

            [[registry]]
            prefix = "example.com/ns"
            location = "ns-level.local/x"

            [[registry]]
            prefix = "example.com/ns/repo"
            location = "repo-level.local/y/z"

            [[registry]]
            prefix = "example.com/ns/repo:pinned"
            location = "tag-level.local/t"

            [[registry]]
            prefix = "*.example.com"
            insecure = true

            [[registry]]
            prefix = "*.sub.example.com"
            location = "deep.local"
            """);
        Assert.Equal(["host-level.local/other/thing"], Places(conf, "example.com/other/thing:1"));
        Assert.Equal(["ns-level.local/x/thing"], Places(conf, "example.com/ns/thing:1"));
        Assert.Equal(["ns-level.local/x/repo2"], Places(conf, "example.com/ns/repo2:1"));
        Assert.Equal(["repo-level.local/y/z"], Places(conf, "example.com/ns/repo:1"));
        Assert.Equal(["repo-level.local/y/z/sub"], Places(conf, "example.com/ns/repo/sub:1"));
        Assert.Equal(["repo-level.local/y/z"], Places(conf, $"example.com/ns/repo@{Digest}"));
        Assert.Equal(["tag-level.local/t"], Places(conf, "example.com/ns/repo:pinned"));
        // Wildcard: no location, so no rewrite; its other settings apply.
        Assert.Equal(["a.example.com/ns/repo (insecure)"], Places(conf, "a.example.com/ns/repo:1"));
        Assert.Equal(["deep.local/ns/repo"], Places(conf, "b.sub.example.com/ns/repo:1"));
        Assert.Equal(["example.com:5000/ns/repo"], Places(conf, "example.com:5000/ns/repo:1"));
        Assert.Equal("example.com/ns/repo", conf.FindRule(ImageName.Parse("example.com/ns/repo:2"))!.Prefix);
        Assert.Null(conf.FindRule(ImageName.Parse("elsewhere.org/x")));
    }

    [Fact]
    public void A_plain_prefix_beats_a_wildcard_of_the_same_length()
    {
        var conf = Conf("""
            [[registry]]
            prefix = "*.b.com"
            blocked = true

            [[registry]]
            prefix = "a.b.com"
            """);
        Assert.Equal(["a.b.com/x"], Places(conf, "a.b.com/x"));
        Assert.Throws<RegistryBlockedException>(() => conf.Resolve(ImageName.Parse("c.b.com/x")));
    }

    [Fact]
    public void Location_that_swallows_the_repository_is_an_error()
    {
        var conf = Conf("""
            [[registry]]
            prefix = "example.com/foo/bar"
            location = "mirror.local"
            """);
        var e = Assert.Throws<RegistryConfigurationException>(() => conf.Resolve(ImageName.Parse("example.com/foo/bar:1")));
        Assert.Contains("leaves no repository", e.Message, StringComparison.Ordinal);
    }

    private const string Modes = """
        [[registry]]
        prefix = "example.com"

        [[registry.mirror]]
        location = "all.local"

        [[registry.mirror]]
        location = "digests.local"
        pull-from-mirror = "digest-only"

        [[registry.mirror]]
        location = "tags.local"
        pull-from-mirror = "tag-only"

        [[registry.mirror]]
        location = "explicit-all.local"
        pull-from-mirror = "all"
        """;

    [Fact]
    public void Pull_from_mirror_by_tag() =>
        Assert.Equal(["mirror all.local/app", "mirror tags.local/app", "mirror explicit-all.local/app", "example.com/app"], Places(Conf(Modes), "example.com/app:1"));

    [Fact]
    public void Pull_from_mirror_by_digest() =>
        Assert.Equal(["mirror all.local/app", "mirror digests.local/app", "mirror explicit-all.local/app", "example.com/app"], Places(Conf(Modes), $"example.com/app@{Digest}"));

    [Fact]
    public void Tag_and_digest_counts_as_a_digest_pull() =>
        Assert.Equal(["mirror all.local/app", "mirror digests.local/app", "mirror explicit-all.local/app", "example.com/app"], Places(Conf(Modes), $"example.com/app:1@{Digest}"));

    [Fact]
    public void Mirror_by_digest_only_skips_every_mirror_for_tags()
    {
        var conf = Conf("""
            [[registry]]
            prefix = "example.com"
            mirror-by-digest-only = true

            [[registry.mirror]]
            location = "m1.local"

            [[registry.mirror]]
            location = "m2.local/ns"
            insecure = true
            """);
        Assert.Equal(["example.com/app"], Places(conf, "example.com/app:1"));
        Assert.Equal(["mirror m1.local/app", "mirror m2.local/ns/app (insecure)", "example.com/app"], Places(conf, $"example.com/app@{Digest}"));
    }

    [Fact]
    public void Blocked_prefix_throws_naming_image_and_rule()
    {
        var conf = Conf("""
            [[registry]]
            prefix = "example.com/bad"
            blocked = true

            [[registry]]
            prefix = "example.com/bad/exception"
            """);
        var e = Assert.Throws<RegistryBlockedException>(() => conf.Resolve(ImageName.Parse("example.com/bad/app:1")));
        Assert.Equal("registry access to \"example.com/bad/app:1\" is blocked by registries.conf (prefix \"example.com/bad\" in /test/registries.conf:2)", e.Message);
        // A longer, unblocked prefix wins.
        Assert.Equal(["example.com/bad/exception"], Places(conf, "example.com/bad/exception"));
        Assert.Equal(["example.com/badger"], Places(conf, "example.com/badger"));
    }

    [Fact]
    public void Insecure_for_pulls_and_pushes()
    {
        var conf = Conf("""
            [[registry]]
            location = "localhost:5000"
            insecure = true

            [[registry]]
            prefix = "*.internal.example"
            insecure = true

            [[registry]]
            prefix = "secure.example/insecure-ns"
            insecure = true
            """);
        Assert.Equal(["localhost:5000/app (insecure)"], Places(conf, "localhost:5000/app"));
        Assert.True(conf.IsInsecure("localhost:5000"));
        Assert.False(conf.IsInsecure("localhost"));
        Assert.False(conf.IsInsecure("localhost:5001"));
        Assert.True(conf.IsInsecure("reg.internal.example"));
        Assert.False(conf.IsInsecure("internal.example"));
        // A namespace rule says nothing about the host as a whole.
        Assert.False(conf.IsInsecure("secure.example"));
        Assert.Equal(["secure.example/insecure-ns/app (insecure)"], Places(conf, "secure.example/insecure-ns/app"));
        Assert.False(RegistriesConf.Empty.IsInsecure("localhost:5000"));
    }
}
