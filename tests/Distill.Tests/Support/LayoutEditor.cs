using System.Text;
using System.Text.Json.Nodes;
using Distill.Oci;

namespace Distill.Tests.Support;

/// <summary>
/// Edits an OCI layout on disk the way other tools (or damage) would: rewrites a config and re-links the manifest
/// and index to it, or spoils a file, to test what Distill does with images it did not write.
/// </summary>
public static class LayoutEditor
{
    public static string BlobPath(string layout, string digest) =>
        Path.Combine(layout, "blobs", "sha256", digest["sha256:".Length..]);

    /// <summary>The manifest the layout's only index entry names.</summary>
    public static (string Digest, JsonObject Manifest) Manifest(string layout)
    {
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(layout, "index.json")))!.AsObject();
        var digest = Assert.Single(index["manifests"]!.AsArray())!["digest"]!.GetValue<string>();
        return (digest, JsonNode.Parse(File.ReadAllText(BlobPath(layout, digest)))!.AsObject());
    }

    /// <summary>Changes the config JSON, then writes the new config and manifest blobs and points index.json at them.</summary>
    public static void EditConfig(string layout, Action<JsonObject> edit)
    {
        var (_, manifest) = Manifest(layout);
        var configDigest = manifest["config"]!["digest"]!.GetValue<string>();
        var config = JsonNode.Parse(File.ReadAllText(BlobPath(layout, configDigest)))!.AsObject();
        edit(config);
        var configBytes = Encoding.UTF8.GetBytes(config.ToJsonString());
        var newConfig = Digest.Compute(configBytes).ToString();
        File.WriteAllBytes(BlobPath(layout, newConfig), configBytes);
        manifest["config"]!["digest"] = newConfig;
        manifest["config"]!["size"] = configBytes.Length;
        var manifestBytes = Encoding.UTF8.GetBytes(manifest.ToJsonString());
        var newManifest = Digest.Compute(manifestBytes).ToString();
        File.WriteAllBytes(BlobPath(layout, newManifest), manifestBytes);
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(layout, "index.json")))!.AsObject();
        var entry = index["manifests"]![0]!;
        entry["digest"] = newManifest;
        entry["size"] = manifestBytes.Length;
        File.WriteAllText(Path.Combine(layout, "index.json"), index.ToJsonString());
    }

    /// <summary>Flips one byte of a file (by default in its middle).</summary>
    public static void FlipByte(string path, int? at = null)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[at ?? bytes.Length / 2] ^= 0xff;
        File.WriteAllBytes(path, bytes);
    }
}
