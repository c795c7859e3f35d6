using System.Text.Json;
using Distill.Oci;

namespace Distill.Tests.Oci;

public sealed class DigestTests
{
    private const string Sha256Empty = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    [Fact]
    public void Computes_sha256_of_content() => Assert.Equal(Sha256Empty, Digest.Compute([]).ToString());

    [Fact]
    public void Parses_sha256_and_sha512()
    {
        Assert.Equal("sha256", Digest.Parse(Sha256Empty).Algorithm);
        var sha512 = "sha512:" + new string('a', 128);
        Assert.Equal(sha512, Digest.Parse(sha512).ToString());
    }

    [Fact]
    public void Verifies_sha512_content()
    {
        var data = "hello"u8.ToArray();
        var digest = Digest.Parse("sha512:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA512.HashData(data)));
        Assert.Equal(digest, digest.ComputeSame(data));
    }

    [Theory]
    [InlineData("")]
    [InlineData("sha256")]
    [InlineData("sha256:")]
    [InlineData("sha256:abc")]
    [InlineData("md5:d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")]
    [InlineData("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85g")]
    public void Rejects_malformed_digests(string value)
    {
        var e = Assert.Throws<FormatException>(() => Digest.Parse(value));
        Assert.Contains($"\"{value}\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_round_trip_and_bad_json_is_a_json_error()
    {
        var digest = Digest.Parse(Sha256Empty);
        var json = JsonSerializer.Serialize(digest, OciJsonContext.Default.Descriptor.Options.GetTypeInfo(typeof(Digest)));
        Assert.Equal($"\"{Sha256Empty}\"", json);
        Assert.Throws<InvalidImageException>(() => OciJson.ParseManifest("""{"config":{"mediaType":"a/b","digest":"sha256:zz","size":1},"layers":[]}"""u8, "m"));
    }
}
