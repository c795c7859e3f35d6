using System.Text;
using System.Text.Json.Nodes;
using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Integration;

/// <summary>
/// User story: Distill reads what <c>docker save</c> writes, in both layouts: the OCI-style one of Docker 25+
/// (index.json, oci-layout and blobs/sha256 beside a manifest.json whose layers are blob paths) and the legacy one
/// (ID/layer.tar, ID/json, ID/VERSION). No dockerd runs here, so the archives are built by hand, laid out as Docker does,
/// and checked with skopeo first so the test knows they are real docker-archives.
/// </summary>
public sealed class DockerSaveLayoutTests
{
    [Theory]
    [InlineData(false)] // Docker 25+ with the classic image store: uncompressed layer blobs
    [InlineData(true)]  // with the containerd image store: the layers stay gzip-compressed as pulled
    public async Task Copies_a_docker_25_oci_style_save_to_an_oci_layout(bool gzipLayers)
    {
        using var temp = new TempDir();
        var image = await SampleImage.CreateAsync();
        var layerBlobs = image.Layers.Select(l => gzipLayers ? TarBuilder.Gzip(l) : l).ToList();
        var layerType = gzipLayers ? MediaTypes.OciLayerGzip : MediaTypes.OciLayer;
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciManifest,
            ["config"] = Descriptor(MediaTypes.OciConfig, image.Config),
            ["layers"] = new JsonArray(layerBlobs.Select(b => (JsonNode)Descriptor(layerType, b)).ToArray()),
        };
        var manifestBytes = Encoding.UTF8.GetBytes(manifest.ToJsonString());
        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciIndex,
            ["manifests"] = new JsonArray(new JsonObject
            {
                ["mediaType"] = MediaTypes.OciManifest,
                ["digest"] = TarBuilder.Sha256(manifestBytes),
                ["size"] = manifestBytes.Length,
                ["annotations"] = new JsonObject
                {
                    ["io.containerd.image.name"] = "docker.io/library/hello:docker25",
                    ["org.opencontainers.image.ref.name"] = "docker25",
                },
            }),
        };
        var layerSources = new JsonObject();
        for (var i = 0; i < layerBlobs.Count; i++)
            layerSources[image.DiffIds[i]] = Descriptor(layerType, layerBlobs[i]);
        var dockerManifest = new JsonArray(new JsonObject
        {
            ["Config"] = BlobPath(image.Config),
            ["RepoTags"] = new JsonArray("hello:docker25"),
            ["Layers"] = new JsonArray(layerBlobs.Select(b => (JsonNode)BlobPath(b)).ToArray()),
            ["LayerSources"] = layerSources,
        });
        var tar = new TarBuilder().Directory("blobs").Directory("blobs/sha256");
        foreach (var blob in new[] { image.Config, manifestBytes }.Concat(layerBlobs))
            tar.File(BlobPath(blob), blob, 0x1a4);
        tar.File("index.json", index.ToJsonString())
            .File("manifest.json", dockerManifest.ToJsonString())
            .File("oci-layout", """{"imageLayoutVersion":"1.0.0"}""")
            .File("repositories", Repositories("docker25", TarBuilder.Sha256(image.Config)[7..]));
        var archive = temp["docker25.tar"];
        await File.WriteAllBytesAsync(archive, await tar.ToBytesAsync(), TestContext.Current.CancellationToken);

        await AssertCopiesAsync(temp, $"docker-archive:{archive}", image);
        await AssertCopiesAsync(temp, $"docker-archive:{archive}:hello:docker25", image);
    }

    [Fact]
    public async Task Copies_a_legacy_save_to_an_oci_layout()
    {
        using var temp = new TempDir();
        var image = await SampleImage.CreateAsync();
        var ids = image.DiffIds.Select((d, i) => TarBuilder.Sha256(Encoding.UTF8.GetBytes($"v1 layer {i} {d}"))[7..]).ToList();
        var tar = new TarBuilder();
        for (var i = 0; i < ids.Count; i++)
        {
            var v1 = new JsonObject { ["id"] = ids[i], ["created"] = "1970-01-01T00:00:00Z", ["os"] = "linux", ["container_config"] = new JsonObject() };
            if (i > 0)
                v1["parent"] = ids[i - 1];
            tar.Directory(ids[i])
                .File($"{ids[i]}/VERSION", "1.0")
                .File($"{ids[i]}/json", v1.ToJsonString())
                .File($"{ids[i]}/layer.tar", image.Layers[i]);
        }
        var configName = TarBuilder.Sha256(image.Config)[7..] + ".json";
        tar.File(configName, image.Config)
            .File("manifest.json", new JsonArray(new JsonObject
            {
                ["Config"] = configName,
                ["RepoTags"] = new JsonArray("hello:legacy"),
                ["Layers"] = new JsonArray(ids.Select(id => (JsonNode)$"{id}/layer.tar").ToArray()),
            }).ToJsonString())
            .File("repositories", Repositories("legacy", ids[^1]));
        var archive = temp["legacy.tar"];
        await File.WriteAllBytesAsync(archive, await tar.ToBytesAsync(), TestContext.Current.CancellationToken);

        await AssertCopiesAsync(temp, $"docker-archive:{archive}", image);
        await AssertCopiesAsync(temp, $"docker-archive:{archive}:hello:legacy", image);
    }

    [Fact]
    public async Task Copies_one_image_of_a_legacy_save_of_two_that_share_a_layer()
    {
        // docker save A B writes a shared layer once; the second image's ID/layer.tar is a symlink to the first's.
        using var temp = new TempDir();
        var image = await SampleImage.CreateAsync();
        var baseOnly = await SampleImage.CreateAsync(layers: 1);
        var ids = new[] { new string('a', 64), new string('b', 64), new string('c', 64) };
        var baseConfig = TarBuilder.Sha256(baseOnly.Config)[7..] + ".json";
        var config = TarBuilder.Sha256(image.Config)[7..] + ".json";
        var tar = new TarBuilder()
            .Directory(ids[0]).File($"{ids[0]}/VERSION", "1.0").File($"{ids[0]}/json", $$"""{"id":"{{ids[0]}}"}""").File($"{ids[0]}/layer.tar", image.Layers[0])
            .Directory(ids[1]).File($"{ids[1]}/VERSION", "1.0").File($"{ids[1]}/json", $$"""{"id":"{{ids[1]}}"}""").Symlink($"{ids[1]}/layer.tar", $"../{ids[0]}/layer.tar")
            .Directory(ids[2]).File($"{ids[2]}/VERSION", "1.0").File($"{ids[2]}/json", $$"""{"id":"{{ids[2]}}","parent":"{{ids[1]}}"}""").File($"{ids[2]}/layer.tar", image.Layers[1])
            .File(baseConfig, baseOnly.Config)
            .File(config, image.Config)
            .File("manifest.json", new JsonArray(
                new JsonObject { ["Config"] = baseConfig, ["RepoTags"] = new JsonArray("hello:base"), ["Layers"] = new JsonArray($"{ids[0]}/layer.tar") },
                new JsonObject { ["Config"] = config, ["RepoTags"] = new JsonArray("hello:two"), ["Layers"] = new JsonArray($"{ids[1]}/layer.tar", $"{ids[2]}/layer.tar") }).ToJsonString());
        var archive = temp["two.tar"];
        await File.WriteAllBytesAsync(archive, await tar.ToBytesAsync(), TestContext.Current.CancellationToken);

        await AssertCopiesAsync(temp, $"docker-archive:{archive}:hello:two", image);
        await AssertCopiesAsync(temp, $"docker-archive:{archive}:@1", image);
        var cli = new DistillCli(temp["store"]);
        var ambiguous = await cli.RunAsync("copy", $"docker-archive:{archive}", $"oci:{temp["ambiguous"]}:x");
        Assert.Equal(1, ambiguous.ExitCode);
        Assert.StartsWith("distill: error: ", ambiguous.Stderr, StringComparison.Ordinal);
    }

    private static async Task AssertCopiesAsync(TempDir temp, string source, SampleImage image)
    {
        // The hand-made archive must be one a peer reads, or the test proves nothing.
        var seen = await Peers.InspectAsync(source, config: true);
        Assert.Equal(image.DiffIds, Peers.Strings(seen["rootfs"]!["diff_ids"]));

        var name = Guid.NewGuid().ToString("N")[..8];
        var layout = temp[$"oci-{name}"];
        var cli = new DistillCli(temp["store"]);
        await cli.RunOkAsync("copy", source, $"oci:{layout}:hello");

        LayoutValidator.AssertValid(layout);
        await Tool.RunOkAsync(Peers.OciImageTool, ["validate", "--type", "image", "--ref", "name=hello", layout]);
        var (_, manifest) = OciLayoutFiles.Manifest(layout, "hello");
        Assert.Equal(TarBuilder.Sha256(image.Config), manifest["config"]!["digest"]!.GetValue<string>());
        Assert.Equal(image.DiffIds, manifest["layers"]!.AsArray().Select(l => OciLayoutFiles.Uncompressed(layout, l!.AsObject()).DiffId).ToArray());

        var rootfs = await Peers.UmociUnpackAsync(layout, "hello", temp[$"bundle-{name}"]);
        Assert.Equal("hello from the first layer\n", await File.ReadAllTextAsync(Path.Combine(rootfs, "etc/hello.txt")));
        Assert.Equal("second\n", await File.ReadAllTextAsync(Path.Combine(rootfs, "etc/second.txt")));
        Assert.Equal((UnixFileMode)0x1ed, File.GetUnixFileMode(Path.Combine(rootfs, "bin/tool")));
        Assert.Equal("../etc/hello.txt", new FileInfo(Path.Combine(rootfs, "bin/hello")).LinkTarget);
    }

    private static JsonObject Descriptor(string mediaType, byte[] blob) =>
        new() { ["mediaType"] = mediaType, ["digest"] = TarBuilder.Sha256(blob), ["size"] = blob.Length };

    private static string Repositories(string tag, string id) =>
        new JsonObject { ["hello"] = new JsonObject { [tag] = id } }.ToJsonString();

    private static string BlobPath(byte[] blob) => "blobs/sha256/" + TarBuilder.Sha256(blob)[7..];

    /// <summary>Two uncompressed layers and a config naming them by diffID.</summary>
    private sealed record SampleImage(IReadOnlyList<byte[]> Layers, IReadOnlyList<string> DiffIds, byte[] Config)
    {
        public static async Task<SampleImage> CreateAsync(int layers = 2)
        {
            var first = await new TarBuilder()
                .Directory("bin").Directory("etc")
                .File("bin/tool", "#!/bin/sh\n", 0x1ed)
                .Symlink("bin/hello", "../etc/hello.txt")
                .File("etc/hello.txt", "hello from the first layer\n")
                .ToBytesAsync();
            var second = await new TarBuilder().Directory("etc").File("etc/second.txt", "second\n").ToBytesAsync();
            var all = new[] { first, second }.Take(layers).ToArray();
            var diffIds = all.Select(TarBuilder.Sha256).ToArray();
            var config = new JsonObject
            {
                ["architecture"] = "amd64",
                ["os"] = "linux",
                ["created"] = "2024-01-01T00:00:00Z",
                ["config"] = new JsonObject { ["Entrypoint"] = new JsonArray("/bin/tool"), ["Env"] = new JsonArray("PATH=/bin") },
                ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(diffIds.Select(d => (JsonNode)d).ToArray()) },
                ["history"] = new JsonArray(diffIds.Select((_, i) => (JsonNode)new JsonObject { ["created_by"] = $"ADD layer {i}" }).ToArray()),
            };
            return new SampleImage(all, diffIds, Encoding.UTF8.GetBytes(config.ToJsonString()));
        }
    }
}
