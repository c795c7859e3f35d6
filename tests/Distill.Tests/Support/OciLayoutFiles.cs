using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Distill.Tests.Support;

/// <summary>Reads an OCI layout's blobs directly, independently of the code under test.</summary>
public static class OciLayoutFiles
{
    public static string BlobPath(string layout, string digest)
    {
        var parts = digest.Split(':', 2);
        return Path.Combine(layout, "blobs", parts[0], parts[1]);
    }

    public static JsonObject ReadJson(string layout, string digest) =>
        JsonNode.Parse(File.ReadAllBytes(BlobPath(layout, digest)))!.AsObject();

    /// <summary>The manifest index.json names <paramref name="tag"/> (org.opencontainers.image.ref.name).</summary>
    public static (string Digest, JsonObject Manifest) Manifest(string layout, string tag)
    {
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(layout, "index.json")))!;
        var digest = index["manifests"]!.AsArray()
            .Single(m => m!["annotations"]?["org.opencontainers.image.ref.name"]?.GetValue<string>() == tag)!["digest"]!.GetValue<string>();
        return (digest, ReadJson(layout, digest));
    }

    /// <summary>Decompresses a layer blob (gzip, possibly several members, or plain tar) and returns its size and sha256 (the diffID).</summary>
    public static (long Size, string DiffId) Uncompressed(string layout, JsonObject layerDescriptor)
    {
        var mediaType = layerDescriptor["mediaType"]!.GetValue<string>();
        using var file = File.OpenRead(BlobPath(layout, layerDescriptor["digest"]!.GetValue<string>()));
        using Stream data = mediaType.EndsWith("+gzip", StringComparison.Ordinal) || mediaType.EndsWith(".gzip", StringComparison.Ordinal)
            ? new GZipStream(file, CompressionMode.Decompress)
            : mediaType.EndsWith("+zstd", StringComparison.Ordinal) ? throw new InvalidOperationException("zstd layers are not measured here")
            : file;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        long size = 0;
        int n;
        while ((n = data.Read(buffer)) > 0)
        {
            sha.AppendData(buffer, 0, n);
            size += n;
        }
        return (size, "sha256:" + Convert.ToHexStringLower(sha.GetHashAndReset()));
    }
}
