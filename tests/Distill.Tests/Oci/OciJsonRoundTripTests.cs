using System.Text.Json.Nodes;
using CsCheck;
using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Oci;

/// <summary>Property tests: what <see cref="OciJson"/> writes, it reads back the same, and it is valid against the OCI schemas.</summary>
public sealed class OciJsonRoundTripTests
{
    [Fact]
    public void Manifest_round_trips_and_validates()
    {
        OciGen.Manifest.Sample(manifest =>
        {
            var json = OciJson.Serialize(manifest);
            OciSchemas.AssertValid(OciSchemas.Manifest, json, "serialised manifest");
            var read = OciJson.ParseManifest(json, "manifest");
            Assert.Equal(manifest.SchemaVersion, read.SchemaVersion);
            Assert.Equal(manifest.MediaType, read.MediaType);
            Assert.Equal(manifest.ArtifactType, read.ArtifactType);
            SameDescriptor(manifest.Config, read.Config);
            Assert.Equal(manifest.Layers.Count, read.Layers.Count);
            for (var i = 0; i < manifest.Layers.Count; i++)
                SameDescriptor(manifest.Layers[i], read.Layers[i]);
            Assert.Equal(manifest.Subject is null, read.Subject is null);
            if (manifest.Subject is not null)
                SameDescriptor(manifest.Subject, read.Subject!);
            SameMap(manifest.Annotations, read.Annotations);
            Assert.Null(read.Extra);
            SameJson(json, OciJson.Serialize(read));
        }, iter: 200);
    }

    [Fact]
    public void Index_round_trips_and_validates()
    {
        OciGen.Index.Sample(index =>
        {
            var json = OciJson.Serialize(index);
            OciSchemas.AssertValid(OciSchemas.Index, json, "serialised index");
            var read = OciJson.ParseIndex(json, "index");
            Assert.Equal(index.MediaType, read.MediaType);
            Assert.Equal(index.Manifests.Count, read.Manifests.Count);
            for (var i = 0; i < index.Manifests.Count; i++)
                SameDescriptor(index.Manifests[i], read.Manifests[i]);
            SameMap(index.Annotations, read.Annotations);
            SameJson(json, OciJson.Serialize(read));
        }, iter: 200);
    }

    [Fact]
    public void Config_round_trips_and_validates()
    {
        OciGen.Config.Sample(config =>
        {
            var json = OciJson.Serialize(config);
            OciSchemas.AssertValid(OciSchemas.Config, json, "serialised config");
            var read = OciJson.ParseConfig(json, "config");
            Assert.Equal(config.Created, read.Created);
            Assert.Equal(config.Author, read.Author);
            Assert.Equal(config.Platform, read.Platform with { OsFeatures = config.Platform.OsFeatures });
            Assert.Equal(config.OsFeatures, read.OsFeatures);
            Assert.Equal(config.RootFs.DiffIds, read.RootFs.DiffIds);
            Assert.Equal("layers", read.RootFs.Type);
            Assert.Equal(config.Config is null, read.Config is null);
            if (config.Config is { } c)
            {
                var r = read.Config!;
                Assert.Equal((c.User, c.WorkingDir, c.StopSignal), (r.User, r.WorkingDir, r.StopSignal));
                Assert.Equal(c.Env, r.Env);
                Assert.Equal(c.Entrypoint, r.Entrypoint);
                Assert.Equal(c.Cmd, r.Cmd);
                Assert.Equal(c.ExposedPorts?.Keys.Order(), r.ExposedPorts?.Keys.Order());
                Assert.Equal(c.Volumes?.Keys.Order(), r.Volumes?.Keys.Order());
                SameMap(c.Labels, r.Labels);
            }
            Assert.Equal(config.History?.Count, read.History?.Count);
            for (var i = 0; i < (config.History?.Count ?? 0); i++)
            {
                var (h, r) = (config.History![i], read.History![i]);
                Assert.Equal((h.Created, h.CreatedBy, h.Author, h.Comment, h.EmptyLayer), (r.Created, r.CreatedBy, r.Author, r.Comment, r.EmptyLayer));
            }
            SameJson(json, OciJson.Serialize(read));
        }, iter: 200);
    }

    [Fact]
    public void Images_distill_creates_validate()
    {
        Gen.Select(OciGen.Config, Gen.Int[1, 4], Gen.Bool, OciGen.Annotations).Sample((config, layerCount, docker, annotations) =>
        {
            var layers = Enumerable.Range(0, layerCount).Select(i => (ILayer)InMemoryLayer.FromTar(new byte[i * 512 + 1024])).ToList();
            var image = Image.Create(config, layers, new ImageOptions { Docker = docker, Annotations = annotations });
            OciSchemas.AssertValid(OciSchemas.Manifest, image.ManifestBytes.Span, "manifest of Image.Create");
            OciSchemas.AssertValid(OciSchemas.Config, image.ConfigBytes.Span, "config of Image.Create");
            // the config descriptor describes the config bytes; diff_ids follow the layers
            Image.Verify(image.Manifest.Config, image.ConfigBytes.Span, "config");
            Assert.Equal(layers.Select(l => l.DiffId), image.Config.RootFs.DiffIds);
            Assert.Equal(docker ? MediaTypes.DockerManifest : MediaTypes.OciManifest, image.ManifestDescriptor.MediaType);
            Assert.Equal(Digest.Compute(image.ManifestBytes.Span), image.ManifestDescriptor.Digest);
            // and reading the bytes back gives the same image
            var again = Image.FromBytes(image.ManifestBytes.ToArray(), image.ConfigBytes.ToArray(), (i, _, _) => layers[i], "created image");
            Assert.Equal(image.ManifestDescriptor, again.ManifestDescriptor with { Platform = image.ManifestDescriptor.Platform });
        }, iter: 100);
    }

    internal static void SameDescriptor(Descriptor expected, Descriptor actual)
    {
        Assert.Equal((expected.MediaType, expected.Digest, expected.Size, expected.Data, expected.ArtifactType),
            (actual.MediaType, actual.Digest, actual.Size, actual.Data, actual.ArtifactType));
        Assert.Equal(expected.Urls, actual.Urls);
        SameMap(expected.Annotations, actual.Annotations);
        Assert.Equal(expected.Platform is null, actual.Platform is null);
        if (expected.Platform is { } p)
        {
            Assert.Equal(p with { OsFeatures = null }, actual.Platform! with { OsFeatures = null });
            Assert.Equal(p.OsFeatures, actual.Platform!.OsFeatures);
        }
    }

    internal static void SameMap(IReadOnlyDictionary<string, string>? expected, IReadOnlyDictionary<string, string>? actual) =>
        Assert.Equal(expected?.OrderBy(p => p.Key, StringComparer.Ordinal), actual?.OrderBy(p => p.Key, StringComparer.Ordinal));

    internal static void SameJson(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)),
            $"JSON differs:\n{System.Text.Encoding.UTF8.GetString(expected)}\n{System.Text.Encoding.UTF8.GetString(actual)}");
}
