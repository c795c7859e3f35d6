using System.Text;
using System.Text.Json.Nodes;
using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Oci;

/// <summary>Documents other tools write: Docker's config fields and schema 2 media types read, unknown fields kept, bad JSON refused by name.</summary>
public sealed class OciJsonCompatibilityTests
{
    private const string D1 = "sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7";
    private const string D2 = "sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f";
    private const string D3 = "sha256:3c3a4604a545cdc127456d94e421cd355bca5b528f4a9c1905b15da2eb4a4c6b";
    private const string D4 = "sha256:ec4b8955958665577945c89419d1af06b5f7636b4ac3da7f12184802ad867736";

    /// <summary>A config as <c>docker build</c> (classic builder) writes it, with fields Distill does not type.</summary>
    private const string DockerConfig = $$$"""
        {"architecture":"amd64","config":{"Hostname":"","Domainname":"","User":"app","AttachStdin":false,"AttachStdout":false,"AttachStderr":false,
        "ExposedPorts":{"8080/tcp":{}},"Tty":false,"OpenStdin":false,"StdinOnce":false,"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
        "Cmd":["--serve"],"Healthcheck":{"Test":["CMD-SHELL","curl -f http://localhost:8080/ || exit 1"],"Interval":30000000000,"Timeout":5000000000,"Retries":3},
        "ArgsEscaped":true,"Image":"sha256:aaaa","Volumes":{"/data":{}},"WorkingDir":"/app","Entrypoint":["/app/server"],"OnBuild":["RUN echo onbuild"],
        "Labels":{"maintainer":"someone@example.com"},"StopSignal":"SIGTERM","Shell":["/bin/sh","-c"]},
        "container":"5b9f0a6c1c1b","container_config":{"Hostname":"5b9f0a6c1c1b","Cmd":["/bin/sh","-c","#(nop) ","ENTRYPOINT [\"/app/server\"]"],"Image":"sha256:aaaa","OnBuild":null,"Labels":{}},
        "created":"2023-05-01T12:34:56.123456789Z","docker_version":"20.10.24",
        "history":[{"created":"2023-05-01T12:00:00Z","created_by":"/bin/sh -c #(nop) ADD file:abc in / "},
        {"created":"2023-05-01T12:34:56Z","created_by":"/bin/sh -c #(nop)  ENTRYPOINT [\"/app/server\"]","empty_layer":true,"x-unknown":{"a":[1,2]}}],
        "os":"linux","rootfs":{"type":"layers","diff_ids":["{{{D1}}}","{{{D2}}}"]},"moby.buildkit.buildinfo.v1":"eyJmcm9udGVuZCI6ImRvY2tlcmZpbGUudjAifQ=="}
        """;

    private const string DockerManifest = $$$"""
        {
           "schemaVersion": 2,
           "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
           "config": {
              "mediaType": "application/vnd.docker.container.image.v1+json",
              "size": 7023,
              "digest": "{{{D1}}}"
           },
           "layers": [
              {
                 "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                 "size": 32654,
                 "digest": "{{{D2}}}"
              },
              {
                 "mediaType": "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
                 "size": 1691676,
                 "digest": "{{{D3}}}",
                 "urls": ["https://mcr.microsoft.com/v2/windows/servercore/blobs/{{{D3}}}"]
              }
           ]
        }
        """;

    private const string DockerManifestList = $$$"""
        {
          "schemaVersion": 2,
          "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
          "manifests": [
            {"mediaType": "application/vnd.docker.distribution.manifest.v2+json", "size": 7143, "digest": "{{{D1}}}",
             "platform": {"architecture": "amd64", "os": "linux"}},
            {"mediaType": "application/vnd.docker.distribution.manifest.v2+json", "size": 7682, "digest": "{{{D2}}}",
             "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"}},
            {"mediaType": "application/vnd.docker.distribution.manifest.v2+json", "size": 7682, "digest": "{{{D3}}}",
             "platform": {"architecture": "arm", "os": "linux", "variant": "v7", "features": ["sse4"]}},
            {"mediaType": "application/vnd.docker.distribution.manifest.v2+json", "size": 1234, "digest": "{{{D4}}}",
             "platform": {"architecture": "amd64", "os": "windows", "os.version": "10.0.17763.1879"}}
          ]
        }
        """;

    [Fact]
    public void Docker_config_fields_survive_a_round_trip()
    {
        var original = JsonNode.Parse(DockerConfig)!.AsObject();
        var config = OciJson.ParseConfig(Encoding.UTF8.GetBytes(DockerConfig), "docker config");
        Assert.Equal(["/app/server"], config.Config!.Entrypoint);
        Assert.Equal("app", config.Config.User);
        Assert.Equal([Digest.Parse(D1), Digest.Parse(D2)], config.RootFs.DiffIds);
        Assert.True(config.History![1].EmptyLayer);
        var written = JsonNode.Parse(OciJson.Serialize(config))!.AsObject();
        foreach (var key in new[] { "container_config", "docker_version", "container", "moby.buildkit.buildinfo.v1", "created", "history", "rootfs" })
            AssertSameNode(original[key], written[key], key);
        foreach (var key in new[] { "Healthcheck", "OnBuild", "ArgsEscaped", "Shell", "Hostname", "Image", "AttachStdin", "ExposedPorts", "Volumes" })
            AssertSameNode(original["config"]![key], written["config"]![key], $"config.{key}");
        // nothing typed or untyped is lost or added
        Assert.True(JsonNode.DeepEquals(original, written), $"config changed:\n{original.ToJsonString()}\n{written.ToJsonString()}");
    }

    [Fact]
    public void Config_change_keeps_unknown_fields()
    {
        // what Mutate does to a base image's config: change typed fields, keep the rest
        var config = OciJson.ParseConfig(Encoding.UTF8.GetBytes(DockerConfig), "docker config");
        var changed = config with { Config = config.Config! with { Entrypoint = ["/new"] } };
        var written = JsonNode.Parse(OciJson.Serialize(changed))!;
        Assert.Equal("/new", written["config"]!["Entrypoint"]![0]!.GetValue<string>());
        Assert.Equal("CMD-SHELL", written["config"]!["Healthcheck"]!["Test"]![0]!.GetValue<string>());
        Assert.Equal("20.10.24", written["docker_version"]!.GetValue<string>());
    }

    [Fact]
    public void Manifest_index_and_descriptor_unknown_fields_survive_a_round_trip()
    {
        var manifestJson = $$$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","x-top":{"nested":[1,"two",null]},
             "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{{D1}}}","size":12,"x-desc":true},
             "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{{{D2}}}","size":34,"x-layer":"kept"}]}
            """;
        var manifest = OciJson.ParseManifest(Encoding.UTF8.GetBytes(manifestJson), "manifest");
        OciJsonRoundTripTests.SameJson(Encoding.UTF8.GetBytes(manifestJson), OciJson.Serialize(manifest));

        var indexJson = $$$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","x-index":42,
             "manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{D3}}}","size":56,
               "platform":{"architecture":"amd64","os":"linux"},"annotations":{"org.opencontainers.image.ref.name":"v1"},"x-entry":[{}]}]}
            """;
        var index = OciJson.ParseIndex(Encoding.UTF8.GetBytes(indexJson), "index");
        OciJsonRoundTripTests.SameJson(Encoding.UTF8.GetBytes(indexJson), OciJson.Serialize(index));
        Assert.Equal("v1", index.Manifests[0].Annotation(Annotations.RefName));
    }

    [Fact]
    public void Reads_docker_schema_2_manifest()
    {
        var bytes = Encoding.UTF8.GetBytes(DockerManifest);
        Assert.Equal(MediaTypes.DockerManifest, OciJson.DetectManifestMediaType(bytes, "manifest"));
        var manifest = OciJson.ParseManifest(bytes, "manifest");
        Assert.True(manifest.IsDocker);
        Assert.Equal((MediaTypes.DockerConfig, Digest.Parse(D1), 7023L), (manifest.Config.MediaType, manifest.Config.Digest, manifest.Config.Size));
        Assert.Equal(2, manifest.Layers.Count);
        Assert.Equal(LayerCompression.Gzip, MediaTypes.CompressionOf(manifest.Layers[0].MediaType));
        Assert.Equal(LayerCompression.Gzip, MediaTypes.CompressionOf(manifest.Layers[1].MediaType));
        Assert.Equal([$"https://mcr.microsoft.com/v2/windows/servercore/blobs/{D3}"], manifest.Layers[1].Urls);
        OciJsonRoundTripTests.SameJson(bytes, OciJson.Serialize(manifest));
    }

    [Fact]
    public void Reads_docker_manifest_list_and_selects_platforms()
    {
        var bytes = Encoding.UTF8.GetBytes(DockerManifestList);
        Assert.Equal(MediaTypes.DockerManifestList, OciJson.DetectManifestMediaType(bytes, "list"));
        var list = OciJson.ParseIndex(bytes, "list");
        Assert.True(MediaTypes.IsIndex(list.MediaType));
        Assert.Equal(4, list.Manifests.Count);
        Assert.Equal(Digest.Parse(D1), list.Select(Platform.Parse("linux/amd64"))!.Digest);
        Assert.Equal(Digest.Parse(D2), list.Select(Platform.Parse("linux/arm64"))!.Digest);
        Assert.Equal(Digest.Parse(D2), list.Select(Platform.Parse("linux/arm64/v8"))!.Digest);
        Assert.Equal(Digest.Parse(D3), list.Select(Platform.Parse("linux/arm/v7"))!.Digest);
        Assert.Equal(Digest.Parse(D4), list.Select(Platform.Parse("windows/amd64"))!.Digest);
        Assert.Equal("10.0.17763.1879", list.Manifests[3].Platform!.OsVersion);
        Assert.Null(list.Select(Platform.Parse("linux/s390x")));
        Assert.Null(list.Select(Platform.Parse("linux/arm/v6")));
    }

    [Fact]
    public void Documents_without_media_type_are_detected_by_shape()
    {
        Assert.Equal(MediaTypes.OciIndex, OciJson.DetectManifestMediaType("""{"schemaVersion":2,"manifests":[]}"""u8, "x"));
        Assert.Equal(MediaTypes.OciManifest, OciJson.DetectManifestMediaType(
            Encoding.UTF8.GetBytes($$$"""{"schemaVersion":2,"config":{"mediaType":"a/b","digest":"{{{D1}}}","size":1},"layers":[]}"""), "x"));
        var e = Assert.Throws<InvalidImageException>(() => OciJson.DetectManifestMediaType("""{"schemaVersion":2}"""u8, "blob sha256:123"));
        Assert.StartsWith("blob sha256:123:", e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> MalformedManifests => new()
    {
        { "empty", "" },
        { "truncated", """{"schemaVersion":2,"config":""" },
        { "not an object", "[]" },
        { "null", "null" },
        { "a string", "\"manifest\"" },
        { "config is a number", """{"schemaVersion":2,"config":1,"layers":[]}""" },
        { "no config", """{"schemaVersion":2,"layers":[]}""" },
        { "no layers", $$$"""{"schemaVersion":2,"config":{"mediaType":"a/b","digest":"{{{D1}}}","size":1}}""" },
        { "size is text", $$$"""{"schemaVersion":2,"config":{"mediaType":"a/b","digest":"{{{D1}}}","size":"1"},"layers":[]}""" },
        { "size is fractional", $$$"""{"schemaVersion":2,"config":{"mediaType":"a/b","digest":"{{{D1}}}","size":1.5},"layers":[]}""" },
        { "bad digest", """{"schemaVersion":2,"config":{"mediaType":"a/b","digest":"sha256:xyz","size":1},"layers":[]}""" },
        { "digest is a number", """{"schemaVersion":2,"config":{"mediaType":"a/b","digest":7,"size":1},"layers":[]}""" },
        { "trailing comma", $$$"""{"schemaVersion":2,"config":{"mediaType":"a/b","digest":"{{{D1}}}","size":1},"layers":[],}""" },
        { "comment", $$$"""{"schemaVersion":2,/* c */"config":{"mediaType":"a/b","digest":"{{{D1}}}","size":1},"layers":[]}""" },
        { "trailing garbage", $$$"""{"schemaVersion":2,"config":{"mediaType":"a/b","digest":"{{{D1}}}","size":1},"layers":[]} x""" },
        { "invalid UTF-8", "{\"schemaVersion\":2,\"annotations\":{\"a\":\"\xff\"}}" },
    };

    [Theory]
    [MemberData(nameof(MalformedManifests))]
    public void Malformed_manifest_names_the_document(string why, string json)
    {
        var bytes = why == "invalid UTF-8" ? [.. "{\"schemaVersion\":2,\"annotations\":{\"a\":\""u8, 0xff, .. "\"}}"u8] : Encoding.UTF8.GetBytes(json);
        var e = Assert.Throws<InvalidImageException>(() => OciJson.ParseManifest(bytes, "manifest sha256:feed"));
        Assert.StartsWith("manifest sha256:feed:", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("""{"os":"linux","rootfs":{"type":"layers","diff_ids":[]}}""")]
    [InlineData("""{"architecture":"amd64","os":"linux"}""")]
    [InlineData("""{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["nope"]}}""")]
    [InlineData("""{"architecture":"amd64","os":"linux","rootfs":{"diff_ids":[]},"config":{"Env":"A=1"}}""")]
    [InlineData("""{"architecture":"amd64","os":"linux","rootfs":{"diff_ids":[]},"history":[{"empty_layer":"yes"}]}""")]
    [InlineData("""{"architecture":"amd64","os":"linux","rootfs":{"diff_ids":[]},"config":{"ExposedPorts":{"80/tcp":1}}}""")]
    public void Malformed_config_names_the_document(string json)
    {
        var e = Assert.Throws<InvalidImageException>(() => OciJson.ParseConfig(Encoding.UTF8.GetBytes(json), "config sha256:beef"));
        Assert.StartsWith("config sha256:beef:", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"manifests":{}}""")]
    [InlineData("""{"manifests":[{"mediaType":"a/b","size":1}]}""")]
    [InlineData("""{"manifests":[{"mediaType":"a/b","size":1,"digest":"sha256:12","platform":{}}]}""")]
    public void Malformed_index_names_the_document(string json)
    {
        var e = Assert.Throws<InvalidImageException>(() => OciJson.ParseIndex(Encoding.UTF8.GetBytes(json), "index.json"));
        Assert.StartsWith("index.json:", e.Message, StringComparison.Ordinal);
    }

    private static void AssertSameNode(JsonNode? expected, JsonNode? actual, string key) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"{key}: {expected?.ToJsonString()} written as {actual?.ToJsonString() ?? "(missing)"}");
}
