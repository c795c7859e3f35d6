using System.Text.Json.Nodes;
using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Registry.Integration;

/// <summary>
/// A two-platform index (linux/amd64 and linux/arm64, different configs) pushed by <c>skopeo copy --all</c>: distill
/// picks the platform asked for, amd64 by default, and names the platforms there are when the one asked for is not.
/// </summary>
public sealed class MultiPlatformTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Copy_from_a_multi_platform_index_picks_the_platform()
    {
        await using var registry = await RegistryServer.StartAsync(ct: Ct);
        using var box = new CliSandbox();
        var env = Loopback.Env(box.Temp);
        var amd64 = await RandomImage.CreateAsync(box["staging-amd64"], seed: 41, layers: 2, ct: Ct);
        var arm64 = Mutate.WithConfig(await RandomImage.CreateAsync(box["staging-arm64"], seed: 42, layers: 2, ct: Ct),
            c => c with { Architecture = "arm64", Variant = "v8" });
        Assert.NotEqual(amd64.Config.Architecture, arm64.Config.Architecture);
        var layout = box["multi"];
        await OciLayoutWriter.WriteAsync(amd64, layout, "amd64", removeNewBlobsOnFailure: false, Ct);
        await OciLayoutWriter.WriteAsync(arm64, layout, "arm64", removeNewBlobsOnFailure: false, Ct);
        var index = new ImageIndex
        {
            MediaType = MediaTypes.OciIndex,
            Manifests =
            [
                amd64.ManifestDescriptor with { Platform = Platform.LinuxAmd64 },
                arm64.ManifestDescriptor with { Platform = new Platform { Os = "linux", Architecture = "arm64", Variant = "v8" } },
            ],
        };
        var indexBytes = OciJson.Serialize(index);
        var indexDigest = Digest.Compute(indexBytes);
        await File.WriteAllBytesAsync(OciLayoutWriter.BlobPathIn(layout, indexDigest), indexBytes, Ct);
        await OciLayoutWriter.UpdateIndexAsync(layout, i => OciLayoutWriter.Replace(i,
            new Descriptor { MediaType = MediaTypes.OciIndex, Digest = indexDigest, Size = indexBytes.Length, Annotations = new Dictionary<string, string> { [Annotations.RefName] = "multi" } }, "multi"), Ct);
        LayoutValidator.AssertValid(layout);

        var skopeo = await Tool.RunAsync(Tool.Require("skopeo", "skopeo"),
            ["copy", "--all", "--dest-tls-verify=false", $"oci:{layout}:multi", $"docker://{registry.Host}/multi:v1"], env: env);
        Assert.True(skopeo.ExitCode == 0, skopeo.All + registry.Log);
        Assert.Equal(indexDigest, Digest.Compute(await RegistryImages.InspectRawAsync(registry, "multi", "v1")));

        var arm = await box.DigestOfAsync(["copy", $"docker://{registry.Host}/multi:v1", $"oci:{box["arm"]}:x", "--platform", "linux/arm64", "--src-tls-verify=false"], env);
        Assert.Equal(arm64.ManifestDescriptor.Digest.ToString(), arm);
        Assert.Equal(arm, Loopback.ManifestDigest(box["arm"], "x"));
        var armConfig = JsonNode.Parse(File.ReadAllBytes(OciLayoutWriter.BlobPathIn(box["arm"], arm64.Manifest.Config.Digest)))!;
        Assert.Equal("arm64", (string?)armConfig["architecture"]);

        var byDefault = await box.DigestOfAsync(["copy", $"docker://{registry.Host}/multi:v1", $"oci:{box["amd"]}:x", "--src-tls-verify=false"], env);
        Assert.Equal(amd64.ManifestDescriptor.Digest.ToString(), byDefault);
        Assert.Equal(byDefault, Loopback.ManifestDigest(box["amd"], "x"));
        var amdConfig = JsonNode.Parse(File.ReadAllBytes(OciLayoutWriter.BlobPathIn(box["amd"], amd64.Manifest.Config.Digest)))!;
        Assert.Equal("amd64", (string?)amdConfig["architecture"]);

        var pulled = await box.RunAsync(["pull", $"{registry.Host}/multi:v1", "--platform", "linux/arm64", "--src-tls-verify=false"], env);
        Assert.True(pulled.ExitCode == 0, pulled.All);
        Assert.Equal(arm, CliSandbox.PrintedDigest(pulled));
        LayoutValidator.AssertValid(box.Store.Layout, allowDockerMediaTypes: true);

        var missing = await box.RunAsync(["copy", $"docker://{registry.Host}/multi:v1", $"oci:{box["none"]}:x", "--platform", "linux/s390x", "--src-tls-verify=false"], env);
        CliSandbox.AssertOneLineError(missing, "linux/s390x", "linux/amd64", "linux/arm64");
        Assert.False(Directory.Exists(box["none"]), "a failed copy left a layout behind");
        box.AssertNoLeftovers();
    }
}
