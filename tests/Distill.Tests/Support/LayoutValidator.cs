using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Distill.Oci;

namespace Distill.Tests.Support;

/// <summary>
/// Checks an OCI image layout the way a strict reader would: every document against the OCI schemas, and every
/// blob that anything references present with the right size and digest. Called on every layout a test writes.
/// </summary>
public static class LayoutValidator
{
    /// <param name="directory">The layout.</param>
    /// <param name="allowDockerMediaTypes">
    /// Also accept Docker schema 2 manifests and manifest lists (checked against the same schemas, whose shape they
    /// share): the local store keeps pulled images exactly as the registry served them.
    /// </param>
    public static void AssertValid(string directory, bool allowDockerMediaTypes = false)
    {
        OciSchemas.AssertValid(OciSchemas.Layout, File.ReadAllBytes(Path.Combine(directory, "oci-layout")), $"{directory}/oci-layout");
        var indexBytes = File.ReadAllBytes(Path.Combine(directory, "index.json"));
        OciSchemas.AssertValid(OciSchemas.Index, indexBytes, $"{directory}/index.json");
        foreach (var descriptor in Descriptors(indexBytes, "manifests"))
            CheckDescriptor(directory, descriptor, allowDockerMediaTypes);
    }

    private static void CheckDescriptor(string directory, JsonObject descriptor, bool allowDocker)
    {
        var mediaType = descriptor["mediaType"]!.GetValue<string>();
        var data = CheckBlob(directory, descriptor);
        switch (mediaType)
        {
            case MediaTypes.DockerManifestList when allowDocker:
            case MediaTypes.OciIndex:
                OciSchemas.AssertValid(OciSchemas.Index, data, $"index {descriptor["digest"]}");
                foreach (var d in Descriptors(data, "manifests"))
                    CheckDescriptor(directory, d, allowDocker);
                break;
            case MediaTypes.DockerManifest when allowDocker:
            case MediaTypes.OciManifest:
                OciSchemas.AssertValid(OciSchemas.Manifest, data, $"manifest {descriptor["digest"]}");
                var manifest = JsonNode.Parse(data)!.AsObject();
                var config = manifest["config"]!.AsObject();
                OciSchemas.AssertValid(OciSchemas.Config, CheckBlob(directory, config), $"config {config["digest"]}");
                foreach (var layer in manifest["layers"]!.AsArray())
                    CheckBlob(directory, layer!.AsObject());
                break;
            default:
                Assert.Fail($"{directory}: unexpected media type {mediaType} in an OCI layout");
                break;
        }
    }

    private static byte[] CheckBlob(string directory, JsonObject descriptor)
    {
        OciSchemas.AssertValid(OciSchemas.Descriptor, JsonSerializer.SerializeToUtf8Bytes(descriptor), "descriptor");
        var digest = Digest.Parse(descriptor["digest"]!.GetValue<string>());
        var path = Path.Combine(directory, "blobs", digest.Algorithm, digest.Encoded);
        Assert.True(File.Exists(path), $"blob {digest} is missing from {directory}");
        var data = File.ReadAllBytes(path);
        Assert.Equal(descriptor["size"]!.GetValue<long>(), data.LongLength);
        Assert.Equal(digest.Encoded, Convert.ToHexStringLower(digest.Algorithm == "sha512" ? SHA512.HashData(data) : SHA256.HashData(data)));
        return data;
    }

    private static IEnumerable<JsonObject> Descriptors(byte[] json, string property) =>
        JsonNode.Parse(json)![property]!.AsArray().Select(n => n!.AsObject());
}
