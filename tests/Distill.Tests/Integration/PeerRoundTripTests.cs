using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Integration;

/// <summary>
/// User story: images written by the peer tools (umoci, skopeo) go through <c>distill copy</c> unchanged when the
/// transport stays the same, and keep their layers and files when it changes.
/// </summary>
public sealed class PeerRoundTripTests
{
    private const string Tag = "t";
    private const string DockerName = "distill-it/tree:t";

    [Fact]
    public async Task Oci_layout_written_by_umoci_copies_back_unchanged()
    {
        using var temp = new TempDir();
        var source = await CreateUmociImageAsync(temp);
        var cli = new DistillCli(temp["store"]);
        var copy = temp["copy"];

        await cli.RunOkAsync("copy", $"oci:{source}:{Tag}", $"oci:{copy}:{Tag}");

        LayoutValidator.AssertValid(copy);
        var (expected, _) = OciLayoutFiles.Manifest(source, Tag);
        Assert.Equal(expected, OciLayoutFiles.Manifest(copy, Tag).Digest);
        Assert.Equal(expected, (await Peers.RawManifestAsync($"oci:{copy}:{Tag}")).Digest);
        Assert.Equal(File.ReadAllBytes(OciLayoutFiles.BlobPath(source, expected)), File.ReadAllBytes(OciLayoutFiles.BlobPath(copy, expected)));

        // Into the peer's own layout, under a second tag: the first stays as it was, and umoci sees both.
        await cli.RunOkAsync("copy", $"oci:{copy}:{Tag}", $"oci:{source}:again");
        LayoutValidator.AssertValid(source);
        Assert.Equal(expected, OciLayoutFiles.Manifest(source, Tag).Digest);
        Assert.Equal(expected, OciLayoutFiles.Manifest(source, "again").Digest);
        var tags = await Tool.RunOkAsync(Peers.Umoci, ["ls", "--layout", source]);
        Assert.Equal(["again", Tag], tags.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Oci_archive_written_by_skopeo_copies_back_unchanged()
    {
        using var temp = new TempDir();
        var source = await CreateUmociImageAsync(temp);
        var cli = new DistillCli(temp["store"]);
        var archive = $"oci-archive:{temp["skopeo.tar"]}:{Tag}";
        var copy = $"oci-archive:{temp["distill.tar"]}:{Tag}";
        await Peers.SkopeoCopyAsync($"oci:{source}:{Tag}", archive);
        var (expected, _) = await Peers.RawManifestAsync(archive);

        await cli.RunOkAsync("copy", archive, copy);

        Assert.Equal(expected, (await Peers.RawManifestAsync(copy)).Digest);
        Assert.Equal(OciLayoutFiles.Manifest(source, Tag).Digest, expected);
        var unpacked = temp["unpacked"];
        await Tool.RunOkAsync("tar", ["-xf", temp["distill.tar"], "-C", Directory.CreateDirectory(unpacked).FullName]);
        LayoutValidator.AssertValid(unpacked);
    }

    [Fact]
    public async Task Docker_archive_written_by_skopeo_copies_back_unchanged()
    {
        using var temp = new TempDir();
        var source = await CreateUmociImageAsync(temp);
        var cli = new DistillCli(temp["store"]);
        var archive = temp["skopeo.tar"];
        var copy = temp["distill.tar"];
        await Peers.SkopeoCopyAsync($"oci:{source}:{Tag}", $"docker-archive:{archive}:{DockerName}");

        await cli.RunOkAsync("copy", $"docker-archive:{archive}", $"docker-archive:{copy}:{DockerName}");

        var expected = await ReadDockerArchiveAsync(archive, temp["skopeo"]);
        var actual = await ReadDockerArchiveAsync(copy, temp["distill"]);
        Assert.Equal(expected.ConfigDigest, actual.ConfigDigest);
        Assert.Equal(expected.DiffIds, actual.DiffIds);
        Assert.Equal(expected.LayerDigests, actual.LayerDigests);
        Assert.Equal(ImageName.Parse(DockerName), ImageName.Parse(Assert.Single(actual.RepoTags)));
        Assert.Equal((await Peers.RawManifestAsync($"docker-archive:{archive}")).Digest, (await Peers.RawManifestAsync($"docker-archive:{copy}")).Digest);
    }

    [Fact]
    public async Task Copies_across_transports_keep_the_layers_and_the_files()
    {
        using var temp = new TempDir();
        var source = await CreateUmociImageAsync(temp);
        var cli = new DistillCli(temp["store"]);
        var diffIds = Peers.Strings((await Peers.InspectAsync($"oci:{source}:{Tag}", config: true))["rootfs"]!["diff_ids"]);
        var dockerArchive = $"docker-archive:{temp["a.docker.tar"]}:{DockerName}";
        var ociArchive = $"oci-archive:{temp["a.oci.tar"]}:{Tag}";
        var stored = "distill-it-tree:t";
        var final = temp["final"];

        await cli.RunOkAsync("copy", $"oci:{source}:{Tag}", dockerArchive);
        await AssertDiffIdsAsync(dockerArchive, diffIds);
        await cli.RunOkAsync("copy", dockerArchive, ociArchive);
        await AssertDiffIdsAsync(ociArchive, diffIds);
        await cli.RunOkAsync("copy", ociArchive, stored);
        var images = await cli.RunOkAsync("images");
        Assert.Contains("distill-it-tree", images.Stdout, StringComparison.Ordinal);
        LayoutValidator.AssertValid(Path.Combine(cli.Store, "images"), allowDockerMediaTypes: true);
        await cli.RunOkAsync("copy", stored, $"oci:{final}:{Tag}");
        await AssertDiffIdsAsync($"oci:{final}:{Tag}", diffIds);

        LayoutValidator.AssertValid(final);
        await Tool.RunOkAsync(Peers.OciImageTool, ["validate", "--type", "image", "--ref", $"name={Tag}", final]);
        var original = await Peers.UmociUnpackAsync(source, Tag, temp["bundle-original"]);
        var copied = await Peers.UmociUnpackAsync(final, Tag, temp["bundle-final"]);
        await FileTreeListing.AssertSameAsync(temp["rootfs"], original);
        await FileTreeListing.AssertSameAsync(original, copied);
        var config = await Peers.InspectAsync($"oci:{final}:{Tag}", config: true);
        Assert.Equal(["/sub/run.sh"], Peers.Strings(config["config"]!["Entrypoint"]));
    }

    private static async Task AssertDiffIdsAsync(string reference, string[] diffIds)
    {
        var config = await Peers.InspectAsync(reference, config: true);
        Assert.Equal(diffIds, Peers.Strings(config["rootfs"]!["diff_ids"]));
        var inspect = await Peers.InspectAsync(reference);
        Assert.Equal("amd64", inspect["Architecture"]!.GetValue<string>());
        Assert.Equal(diffIds.Length, inspect["Layers"]!.AsArray().Count);
    }

    /// <summary>
    /// A small tree (files of several modes, a subdirectory, an empty directory, a symlink, a hardlink) made into an
    /// OCI image by umoci: <c>umoci init</c>, <c>umoci new</c>, <c>umoci insert</c>, <c>umoci config</c>, then a
    /// second layer by <c>umoci unpack</c>/<c>umoci repack</c>. temp["rootfs"] ends up as the image's tree.
    /// </summary>
    private static async Task<string> CreateUmociImageAsync(TempDir temp)
    {
        temp.Write("rootfs/a.txt", "hello\n", (UnixFileMode)0x1a4);
        temp.Write("rootfs/sub/run.sh", "#!/bin/sh\necho hi\n", (UnixFileMode)0x1ed);
        temp.Write("rootfs/sub/deeper/secret", "deep\n", (UnixFileMode)0x180);
        Directory.CreateDirectory(temp["rootfs/empty"]);
        File.SetUnixFileMode(temp["rootfs/empty"], (UnixFileMode)0x1c0);
        File.CreateSymbolicLink(temp["rootfs/link"], "a.txt");
        await Tool.RunOkAsync("ln", [temp["rootfs/a.txt"], temp["rootfs/sub/hard"]]);

        var layout = temp["umoci"];
        await Tool.RunOkAsync(Peers.Umoci, ["init", "--layout", layout]);
        await Tool.RunOkAsync(Peers.Umoci, ["new", "--image", $"{layout}:{Tag}"]);
        await Tool.RunOkAsync(Peers.Umoci, ["insert", "--image", $"{layout}:{Tag}", temp["rootfs"], "/"]);
        await Tool.RunOkAsync(Peers.Umoci, ["config", "--image", $"{layout}:{Tag}", "--config.entrypoint", "/sub/run.sh"]);

        // A second layer with umoci unpack/repack: a deletion (a whiteout), a new file, a changed file.
        var bundle = temp["umoci-bundle"];
        var unpacked = await Peers.UmociUnpackAsync(layout, Tag, bundle);
        foreach (var root in new[] { unpacked, temp["rootfs"] })
        {
            File.Delete(Path.Combine(root, "sub/deeper/secret"));
            await File.WriteAllTextAsync(Path.Combine(root, "sub/new.txt"), "new in layer 2\n");
            await File.WriteAllTextAsync(Path.Combine(root, "sub/run.sh"), "#!/bin/sh\necho changed\n");
        }
        await Tool.RunOkAsync(Peers.Umoci, ["repack", "--image", $"{layout}:{Tag}", bundle]);
        Directory.Delete(bundle, recursive: true);

        LayoutValidator.AssertValid(layout);
        var (_, manifest) = OciLayoutFiles.Manifest(layout, Tag);
        Assert.Equal(2, manifest["layers"]!.AsArray().Count);
        return layout;
    }

    private sealed record DockerArchiveContent(string ConfigDigest, string[] DiffIds, string[] LayerDigests, string[] RepoTags);

    /// <summary>Unpacks a docker-archive with tar and reads it the way <c>docker load</c> does: manifest.json first.</summary>
    private static async Task<DockerArchiveContent> ReadDockerArchiveAsync(string archive, string directory)
    {
        Directory.CreateDirectory(directory);
        await Tool.RunOkAsync("tar", ["-xf", archive, "-C", directory]);
        var entry = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "manifest.json")))!.AsArray().Single()!;
        var configBytes = File.ReadAllBytes(Path.Combine(directory, entry["Config"]!.GetValue<string>()));
        var config = JsonNode.Parse(configBytes)!;
        var layers = Peers.Strings(entry["Layers"])
            .Select(l => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(directory, l)))))
            .ToArray();
        return new DockerArchiveContent("sha256:" + Convert.ToHexStringLower(SHA256.HashData(configBytes)),
            Peers.Strings(config["rootfs"]!["diff_ids"]), layers, Peers.Strings(entry["RepoTags"]));
    }
}
