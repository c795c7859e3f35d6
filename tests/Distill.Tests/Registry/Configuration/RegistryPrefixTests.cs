using Distill.Registry.Configuration;

namespace Distill.Tests.Registry.Configuration;

public sealed class RegistryPrefixTests
{
    [Theory]
    // host prefixes: only at the end of the host
    [InlineData("example.com/foo/bar:latest", "example.com", 11)]
    [InlineData("example.com:5000/foo:latest", "example.com", -1)]
    [InlineData("example.com.evil.org/foo:latest", "example.com", -1)]
    [InlineData("example.community/foo:latest", "example.com", -1)]
    [InlineData("example.com:5000/foo:latest", "example.com:5000", 16)]
    [InlineData("example.com:50001/foo:latest", "example.com:5000", -1)]
    // namespace and repository prefixes: on a path component boundary, or before a tag or digest
    [InlineData("example.com/foo/bar:latest", "example.com/foo", 15)]
    [InlineData("example.com/foobar:latest", "example.com/foo", -1)]
    [InlineData("example.com/foo:latest", "example.com/foo", 15)]
    [InlineData("example.com/foo@sha256:abcd", "example.com/foo", 15)]
    [InlineData("example.com/foo/bar:latest", "example.com/foo/bar", 19)]
    [InlineData("example.com/foo/bar:latest", "example.com/foo/bar:latest", 26)]
    [InlineData("example.com/foo/bar:latest2", "example.com/foo/bar:latest", -1)]
    [InlineData("example.com/foo/bar:1@sha256:ab", "example.com/foo/bar:1", 21)]
    [InlineData("example.com/fo", "example.com/foo", -1)]
    // wildcards: the whole host, any number of labels before the domain, never the bare domain
    [InlineData("blah.example.com/foo:latest", "*.example.com", 16)]
    [InlineData("foo.bar.example.com/x:1", "*.example.com", 19)]
    [InlineData("example.com/foo:latest", "*.example.com", -1)]
    [InlineData("blah.example.com.evil.org/foo:latest", "*.example.com", -1)]
    [InlineData("evil.org/blah.example.com/foo:latest", "*.example.com", -1)]
    [InlineData("blahexample.com/foo:latest", "*.example.com", -1)]
    [InlineData("blah.example.com:5000/foo:latest", "*.example.com", -1)]
    // bare hosts (IsInsecure)
    [InlineData("example.com", "example.com", 11)]
    [InlineData("a.example.com", "*.example.com", 13)]
    [InlineData("example.com", "example.com/foo", -1)]
    public void Prefix_matches_on_component_boundaries(string reference, string prefix, int expected) =>
        Assert.Equal(expected, RegistryPrefix.MatchLength(reference, prefix));

    [Theory]
    [InlineData("example.com/foo/", "example.com/foo")]
    [InlineData("*.example.com", "*.example.com")]
    [InlineData("localhost:5000", "localhost:5000")]
    [InlineData("[::1]:5000/foo", "[::1]:5000/foo")]
    [InlineData("example.com/foo/bar:tag", "example.com/foo/bar:tag")]
    public void Valid_prefixes(string written, string expected)
    {
        var prefix = written;
        Assert.Null(RegistryPrefix.ValidatePrefix(ref prefix));
        Assert.Equal(expected, prefix);
    }

    [Theory]
    [InlineData("https://example.com", "URI schemes")]
    [InlineData("example.*.com", "wildcard")]
    [InlineData("*.example.com/foo", "*.example.com")]
    [InlineData("*.example.com:5000", "*.example.com")]
    [InlineData("*example.com", "wildcard")]
    [InlineData("exa mple.com", "host")]
    [InlineData("example.com/Foo", "namespace")]
    [InlineData("example.com//foo", "namespace")]
    public void Invalid_prefixes(string written, string problem)
    {
        var prefix = written;
        Assert.Contains(problem, RegistryPrefix.ValidatePrefix(ref prefix), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mirror.local:5000/lib", null)]
    [InlineData("mirror.local", null)]
    [InlineData("mirror.local/lib:tag", "tag or digest")]
    [InlineData("mirror.local/lib@sha256:abc", "tag or digest")]
    [InlineData("*.mirror.local", "wildcards")]
    [InlineData("http://mirror.local", "URI schemes")]
    public void Locations(string written, string? problem)
    {
        var location = written;
        var result = RegistryPrefix.ValidateLocation(ref location);
        if (problem is null)
            Assert.Null(result);
        else
            Assert.Contains(problem, result, StringComparison.Ordinal);
    }
}
