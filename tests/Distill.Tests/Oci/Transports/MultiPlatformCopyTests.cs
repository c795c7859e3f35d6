using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Distill.Tests.Support;

namespace Distill.Tests.Oci.Transports;

/// <summary><c>copy --all</c>: a multi-platform index moves whole, keeps its digest, and one platform can be picked from it.</summary>
public sealed class MultiPlatformCopyTests
{
    /// <summary>Packs one app for amd64 and arm64 and joins them under an OCI index tagged <c>multi</c>.</summary>
    private static async Task<(string Layout, string IndexDigest, string ArmDigest)> MultiPlatformLayoutAsync(TempDir temp, DistillCli cli)
    {
        temp.Write("app/run", "#!/bin/sh\n", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await cli.RunOkAsync("pack", temp["app"], "--entrypoint", "/run", "-o", $"oci:{temp["amd"]}", "--platform", "linux/amd64");
        await cli.RunOkAsync("pack", temp["app"], "--entrypoint", "/run", "-o", $"oci:{temp["arm"]}", "--platform", "linux/arm64");
        var layout = temp["multi"];
        Directory.CreateDirectory(Path.Combine(layout, "blobs", "sha256"));
        File.Copy(Path.Combine(temp["amd"], "oci-layout"), Path.Combine(layout, "oci-layout"));
        var entries = new JsonArray();
        var digests = new List<string>();
        foreach (var (dir, arch) in new[] { (temp["amd"], "amd64"), (temp["arm"], "arm64") })
        {
            foreach (var blob in Directory.GetFiles(Path.Combine(dir, "blobs", "sha256")))
                File.Copy(blob, Path.Combine(layout, "blobs", "sha256", Path.GetFileName(blob)), overwrite: true);
            var entry = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "index.json")))!["manifests"]![0]!.AsObject();
            digests.Add(entry["digest"]!.GetValue<string>());
            entries.Add(new JsonObject
            {
                ["mediaType"] = entry["mediaType"]!.GetValue<string>(),
                ["digest"] = entry["digest"]!.GetValue<string>(),
                ["size"] = entry["size"]!.GetValue<long>(),
                ["platform"] = new JsonObject { ["architecture"] = arch, ["os"] = "linux" },
            });
        }
        var index = System.Text.Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.index.v1+json",
            ["manifests"] = entries,
        }.ToJsonString());
        var indexDigest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(index));
        File.WriteAllBytes(Path.Combine(layout, "blobs", "sha256", indexDigest[7..]), index);
        File.WriteAllText(Path.Combine(layout, "index.json"), new JsonObject
        {
            ["schemaVersion"] = 2,
            ["manifests"] = new JsonArray(new JsonObject
            {
                ["mediaType"] = "application/vnd.oci.image.index.v1+json",
                ["digest"] = indexDigest,
                ["size"] = index.Length,
                ["annotations"] = new JsonObject { ["org.opencontainers.image.ref.name"] = "multi" },
            }),
        }.ToJsonString());
        LayoutValidator.AssertValid(layout);
        return (layout, indexDigest, digests[1]);
    }

    private static string Digest(Tool.Result result) =>
        result.Stdout.Split('\n').Single(l => l.StartsWith("Digest: ", StringComparison.Ordinal))["Digest: ".Length..];

    [Fact]
    public async Task The_whole_index_moves_between_layouts_and_the_store_with_its_digest()
    {
        using var temp = new TempDir();
        var cli = new DistillCli(temp["store"]);
        var (layout, indexDigest, armDigest) = await MultiPlatformLayoutAsync(temp, cli);
        Assert.Equal(indexDigest, Digest(await cli.RunOkAsync("copy", "--all", $"oci:{layout}:multi", $"oci:{temp["copy"]}:m")));
        LayoutValidator.AssertValid(temp["copy"]);
        Assert.Equal(indexDigest, Digest(await cli.RunOkAsync("copy", "--all", $"oci:{temp["copy"]}:m", "multiapp:1")));
        Assert.Equal(armDigest, Digest(await cli.RunOkAsync("copy", "multiapp:1", $"oci:{temp["one"]}:arm", "--platform", "linux/arm64")));
        Assert.Equal(indexDigest, Digest(await cli.RunOkAsync("copy", "--all", "multiapp:1", $"oci:{temp["back"]}:m")));
        LayoutValidator.AssertValid(temp["back"]);
        var refused = await cli.RunAsync("copy", "--all", $"oci:{layout}:multi", $"docker-archive:{temp["x.tar"]}");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("multi-platform", refused.Stderr, StringComparison.Ordinal);
        var missing = await cli.RunAsync("copy", $"oci:{layout}:multi", $"oci:{temp["none"]}", "--platform", "linux/s390x");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("no image for platform linux/s390x", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_whole_index_is_pushed_and_pulled_and_skopeo_agrees()
    {
        using var temp = new TempDir();
        var cli = new DistillCli(temp["store"]);
        var (layout, indexDigest, armDigest) = await MultiPlatformLayoutAsync(temp, cli);
        await using var registry = await RegistryServer.StartAsync(ct: TestContext.Current.CancellationToken);
        var remote = $"docker://{registry.Host}/team/multi:v1";
        Assert.Equal(indexDigest, Digest(await cli.RunOkAsync("copy", "--all", $"oci:{layout}:multi", remote, "--dest-tls-verify=false")));
        var raw = await Tool.RunOkAsync(Tool.Require("skopeo", "skopeo"), ["inspect", "--raw", "--tls-verify=false", remote]);
        Assert.Equal(indexDigest, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(raw.Stdout))));
        Assert.Equal(indexDigest, Digest(await cli.RunOkAsync("copy", "--all", remote, $"oci:{temp["pulled"]}:m", "--src-tls-verify=false")));
        LayoutValidator.AssertValid(temp["pulled"]);
        Assert.Equal(armDigest, Digest(await cli.RunOkAsync("copy", remote, $"oci:{temp["arm"]}2:x", "--platform", "linux/arm64", "--src-tls-verify=false")));
    }
}
