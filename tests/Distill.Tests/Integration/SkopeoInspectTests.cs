using System.Text.Json.Nodes;
using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Integration;

/// <summary>User story: skopeo reads every output of <c>distill pack</c> and sees the image Distill says it wrote.</summary>
public sealed class SkopeoInspectTests
{
    [Fact]
    public async Task Skopeo_inspects_the_oci_layout()
    {
        var calc = await CalculatorImage.GetAsync();
        var expected = ExpectedManifest(calc);
        await AssertInspectsAsync(calc.Oci, calc.Digest, LayerDigests(expected));
        var (rawDigest, _) = await Peers.RawManifestAsync(calc.Oci);
        Assert.Equal(calc.Digest, rawDigest);
    }

    [Fact]
    public async Task Skopeo_inspects_the_oci_archive()
    {
        var calc = await CalculatorImage.GetAsync();
        var expected = ExpectedManifest(calc);
        var reference = $"oci-archive:{calc.OciArchive}:{CalculatorImage.Tag}";
        await AssertInspectsAsync(reference, calc.Digest, LayerDigests(expected));
        var (rawDigest, _) = await Peers.RawManifestAsync(reference);
        Assert.Equal(calc.Digest, rawDigest);
    }

    [Fact]
    public async Task Skopeo_inspects_the_docker_archive()
    {
        var calc = await CalculatorImage.GetAsync();
        var expected = ExpectedManifest(calc);
        var reference = $"docker-archive:{calc.DockerArchive}:{CalculatorImage.DockerName}";
        // A docker-archive holds no manifest: skopeo makes one from the config and the uncompressed layers, so the
        // image is the same when its config (byte for byte) and its layers (by diffID) are.
        var (rawDigest, raw) = await Peers.RawManifestAsync(reference);
        Assert.Equal(MediaTypes.DockerManifest, raw["mediaType"]!.GetValue<string>());
        Assert.Equal(expected["config"]!["digest"]!.GetValue<string>(), raw["config"]!["digest"]!.GetValue<string>());
        var diffIds = Peers.Strings((await Peers.InspectAsync(calc.Oci, config: true))["rootfs"]!["diff_ids"]);
        await AssertInspectsAsync(reference, rawDigest, diffIds);
    }

    private static async Task AssertInspectsAsync(string reference, string digest, string[] layers)
    {
        var inspect = await Peers.InspectAsync(reference);
        Assert.Equal(digest, inspect["Digest"]!.GetValue<string>());
        Assert.Equal("amd64", inspect["Architecture"]!.GetValue<string>());
        Assert.Equal("linux", inspect["Os"]!.GetValue<string>());
        Assert.Equal(layers, Peers.Strings(inspect["Layers"]));
        Assert.NotEmpty(layers);

        var config = await Peers.InspectAsync(reference, config: true);
        Assert.Equal([CalculatorImage.Entrypoint], Peers.Strings(config["config"]!["Entrypoint"]));
        Assert.Equal("amd64", config["architecture"]!.GetValue<string>());
        Assert.Equal("linux", config["os"]!.GetValue<string>());
    }

    /// <summary>The manifest the packed layout's index.json names for the tag, read straight from the blobs.</summary>
    private static JsonObject ExpectedManifest(CalculatorImage calc)
    {
        var (digest, manifest) = OciLayoutFiles.Manifest(calc.OciDir, CalculatorImage.Tag);
        Assert.Equal(calc.Digest, digest);
        return manifest;
    }

    private static string[] LayerDigests(JsonObject manifest) =>
        manifest["layers"]!.AsArray().Select(l => l!["digest"]!.GetValue<string>()).ToArray();
}
