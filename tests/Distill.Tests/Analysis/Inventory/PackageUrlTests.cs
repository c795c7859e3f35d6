using Distill.Analysis.Inventory;

namespace Distill.Tests.Analysis.Inventory;

/// <summary>Package URLs as the purl-spec's own build tests (tests/types/*-test.json) write them.</summary>
public sealed class PackageUrlTests
{
    [Theory]
    // purl-spec deb-test.json: the epoch's colon stays, '+' is encoded
    [InlineData("debian", "attr", "1:2.4.47-2+b1", "amd64", null, "pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64")]
    [InlineData("debian", "curl", "7.50.3-1", "i386", "jessie", "pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie")]
    [InlineData("Ubuntu", "DPKG", "1.19.0.4", "amd64", "", "pkg:deb/ubuntu/dpkg@1.19.0.4?arch=amd64")]
    [InlineData("debian", "libc6", "2.36-9+deb12u4", "amd64", "debian-12", "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12")]
    public void Deb(string vendor, string name, string version, string? arch, string? distro, string expected) =>
        Assert.Equal(expected, PackageUrl.Deb(vendor, name, version, arch, distro));

    [Fact]
    public void Apk_follows_the_spec_example() =>
        Assert.Equal("pkg:apk/alpine/curl@7.83.0-r0?arch=x86", PackageUrl.Apk("alpine", "curl", "7.83.0-r0", "x86", null));

    [Theory]
    // purl-spec golang-test.json, and the module path split at its last slash, lowercased
    [InlineData("github.com/gorilla/context", "234fd47e07d1004f0aed9c", "pkg:golang/github.com/gorilla/context@234fd47e07d1004f0aed9c")]
    [InlineData("github.com/BurntSushi/toml", "v1.3.2", "pkg:golang/github.com/burntsushi/toml@v1.3.2")]
    [InlineData("golang.org/x/crypto", "v0.0.0-20220525230936-793ad666bf5e", "pkg:golang/golang.org/x/crypto@v0.0.0-20220525230936-793ad666bf5e")]
    [InlineData("example.com/app", "(devel)", "pkg:golang/example.com/app")]
    [InlineData("hello", "v1.0.0+incompatible", "pkg:golang/hello@v1.0.0%2Bincompatible")]
    public void Golang(string module, string version, string expected) => Assert.Equal(expected, PackageUrl.Golang(module, version));

    [Fact]
    public void Nuget_keeps_the_ids_case() =>
        Assert.Equal("pkg:nuget/EnterpriseLibrary.Common@6.0.1304", PackageUrl.Nuget("EnterpriseLibrary.Common", "6.0.1304"));

    [Fact]
    public void Oci_encodes_slashes_in_qualifier_values_and_sorts_them() =>
        // purl-spec oci-test.json
        Assert.Equal("pkg:oci/debian@sha256:244fd47e07d10?repository_url=docker.io%2Flibrary%2Fdebian&tag=latest",
            PackageUrl.Oci("debian", "sha256:244fd47e07d10", "docker.io/library/debian", "latest"));

    [Fact]
    public void Components_are_percent_encoded_as_utf8_qualifiers_sorted_and_empty_ones_dropped() =>
        Assert.Equal("pkg:generic/ns%20one/two/n%C3%A9@1%402?b=x%26y&c=%3D#sub/dir",
            PackageUrl.Build("Generic", "/ns one/two/", "né", "1@2", [new("C", "="), new("b", "x&y"), new("a", ""), new("d", null)], "/./sub/../dir/"));

    [Theory]
    [InlineData("a b", "a%20b")]
    [InlineData("x/y", "x%2Fy")]
    [InlineData("1:2", "1:2")]
    [InlineData("A-z.0_~", "A-z.0_~")]
    [InlineData("é", "%C3%A9")]
    [InlineData("?#@&=+%", "%3F%23%40%26%3D%2B%25")]
    public void Encode(string component, string expected) => Assert.Equal(expected, PackageUrl.Encode(component));
}
