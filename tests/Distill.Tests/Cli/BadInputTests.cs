using System.Text;
using System.Text.Json.Nodes;
using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Cli;

/// <summary>
/// Bad input fails with one line that names the culprit, a non-zero exit, and nothing half-written: no
/// destination file or directory, no new blob in the store, no <c>.tmp-</c> file anywhere.
/// </summary>
public sealed class BadInputTests
{
    [Fact]
    public async Task Missing_directory()
    {
        using var box = new CliSandbox();
        var missing = box["no-such-dir"];
        CliSandbox.AssertOneLineError(await box.RunAsync("pack", missing, "--entrypoint", "/app", "-t", "x", "-o", "oci:" + box["out"]), missing);
        AssertNothingWritten(box, "out");
    }

    [Fact]
    public async Task Entrypoint_not_in_the_directory()
    {
        using var box = new CliSandbox();
        var app = box.WriteApp();
        CliSandbox.AssertOneLineError(await box.RunAsync("pack", app, "--entrypoint", "/bin/nope", "-t", "x", "-o", "oci:" + box["out"]), "/bin/nope");
        CliSandbox.AssertOneLineError(await box.RunAsync("pack", app, "--entrypoint", "/data", "-o", "oci-archive:" + box["out.tar"]), "/data");
        AssertNothingWritten(box, "out", "out.tar");
    }

    [Fact]
    public async Task Entrypoint_not_executable()
    {
        using var box = new CliSandbox();
        var app = box.WriteApp();
        CliSandbox.AssertOneLineError(await box.RunAsync("pack", app, "--entrypoint", "/data/x.txt", "-t", "x", "-o", "docker-archive:" + box["out.tar"]), "/data/x.txt", "executable");
        AssertNothingWritten(box, "out.tar");
    }

    public enum Damage
    {
        MalformedIndex,
        MalformedManifest,
        FlippedLayerByte,
        FlippedByteInLargeLayer,
        TruncatedLayer,
        MissingLayer,
    }

    [Theory]
    [InlineData(Damage.MalformedIndex)]
    [InlineData(Damage.MalformedManifest)]
    [InlineData(Damage.FlippedLayerByte)]
    [InlineData(Damage.FlippedByteInLargeLayer)]
    [InlineData(Damage.TruncatedLayer)]
    [InlineData(Damage.MissingLayer)]
    public async Task Copy_from_a_damaged_layout_fails_and_writes_nothing(Damage damage)
    {
        using var box = new CliSandbox();
        var app = box.WriteApp();
        if (damage == Damage.FlippedByteInLargeLayer)
        {
            // several MiB of compressible, non-repeating text: the damage is met while decompressing, not at the end
            var text = new StringBuilder();
            var random = new Random(7);
            while (text.Length < 6 << 20)
                text.Append("line ").Append(random.Next(1000)).Append(' ').Append(random.Next(1000)).Append('\n');
            box.Temp.Write("app/big.txt", text.ToString());
        }
        await box.OkAsync("pack", app, "--entrypoint", "/app", "-o", "oci:" + box["src"]);
        var src = box["src"];
        Spoil(src, damage);
        foreach (var (destination, created) in new[]
        {
            ("oci:" + box["dest"], "dest"),
            ("oci-archive:" + box["dest.tar"], "dest.tar"),
            ("docker-archive:" + box["dest.tar"], "dest.tar"),
            ("copied:latest", (string?)null),
        })
        {
            var result = await box.RunAsync("copy", "oci:" + src, destination, "--digestfile", box["digest.txt"]);
            CliSandbox.AssertOneLineError(result, src);
            AssertNothingWritten(box, created is null ? ["digest.txt"] : [created, "digest.txt"]);
        }
    }

    [Fact]
    public async Task A_failed_copy_into_the_store_adds_no_blob_to_it()
    {
        using var box = new CliSandbox();
        box.Temp.Write("app/app", "#!/bin/sh\n", (UnixFileMode)0x1ed);
        box.Temp.Write("app/a/one.txt", "one");
        box.Temp.Write("app/b/two.txt", "two");
        await box.OkAsync("pack", box["app"], "--entrypoint", "/app", "-t", "existing");
        var before = box.StoreBlobs();
        box.Temp.Write("app/a/one.txt", "one, changed");
        box.Temp.Write("app/b/two.txt", "two, changed");
        await box.OkAsync("pack", box["app"], "--entrypoint", "/app", "--split-layers", "-o", "oci:" + box["src"]);
        var (_, manifest) = LayoutEditor.Manifest(box["src"]);
        LayoutEditor.FlipByte(LayoutEditor.BlobPath(box["src"], manifest["layers"]![2]!["digest"]!.GetValue<string>()));
        CliSandbox.AssertOneLineError(await box.RunAsync("copy", "oci:" + box["src"], "broken"), box["src"]);
        Assert.Equal(before, box.StoreBlobs());
        Assert.Equal(["existing:latest"], box.Store.List().Select(i => i.Name.Familiar));
        LayoutValidator.AssertValid(box.Store.Layout, allowDockerMediaTypes: true);
        box.AssertNoLeftovers();
    }

    private static void Spoil(string src, Damage damage)
    {
        var (_, manifest) = LayoutEditor.Manifest(src);
        var layer = LayoutEditor.BlobPath(src, manifest["layers"]![0]!["digest"]!.GetValue<string>());
        switch (damage)
        {
            case Damage.MalformedIndex:
                File.WriteAllText(Path.Combine(src, "index.json"), """{"schemaVersion":2,"manifests":[{"mediaType":""");
                break;
            case Damage.MalformedManifest:
            {
                // not JSON, stored under its own correct digest so only the parse can object
                var bytes = "{\"schemaVersion\":2,\"config\":"u8.ToArray();
                var digest = Digest.Compute(bytes).ToString();
                File.WriteAllBytes(LayoutEditor.BlobPath(src, digest), bytes);
                var index = JsonNode.Parse(File.ReadAllText(Path.Combine(src, "index.json")))!;
                index["manifests"]![0]!["digest"] = digest;
                index["manifests"]![0]!["size"] = bytes.Length;
                File.WriteAllText(Path.Combine(src, "index.json"), index.ToJsonString());
                break;
            }
            case Damage.FlippedLayerByte or Damage.FlippedByteInLargeLayer:
                LayoutEditor.FlipByte(layer);
                break;
            case Damage.TruncatedLayer:
                File.WriteAllBytes(layer, File.ReadAllBytes(layer)[..^10]);
                break;
            case Damage.MissingLayer:
                File.Delete(layer);
                break;
        }
    }

    [Theory]
    [InlineData("oci-archive")]
    [InlineData("docker-archive")]
    public async Task Truncated_archive(string transport)
    {
        using var box = new CliSandbox();
        var app = box.WriteApp();
        await box.OkAsync("pack", app, "--entrypoint", "/app", "-o", $"{transport}:{box["img.tar"]}");
        var bytes = File.ReadAllBytes(box["img.tar"]);
        foreach (var length in new[] { bytes.Length / 2, 700 })
        {
            File.WriteAllBytes(box["cut.tar"], bytes[..length]);
            foreach (var destination in new[] { "oci:" + box["dest"], "oci-archive:" + box["dest.tar"], "copied" })
                CliSandbox.AssertOneLineError(await box.RunAsync("copy", $"{transport}:{box["cut.tar"]}", destination), box["cut.tar"]);
            var pack = await box.RunAsync("pack", app, "--base", $"{transport}:{box["cut.tar"]}", "--entrypoint", "/app", "-o", "oci:" + box["dest"]);
            CliSandbox.AssertOneLineError(pack, box["cut.tar"]);
        }
        AssertNothingWritten(box, "dest", "dest.tar");
    }

    [Fact]
    public async Task Unknown_tags()
    {
        using var box = new CliSandbox();
        var app = box.WriteApp();
        await box.OkAsync("pack", app, "--entrypoint", "/app", "-o", "oci:" + box["src"] + ":v1", "-o", "docker-archive:" + box["d.tar"] + ":app:v1", "-t", "app:v1");
        var blobs = box.StoreBlobs();
        CliSandbox.AssertOneLineError(await box.RunAsync("copy", "oci:" + box["src"] + ":v2", "oci:" + box["dest"]), box["src"], "v2");
        CliSandbox.AssertOneLineError(await box.RunAsync("copy", "docker-archive:" + box["d.tar"] + ":app:v2", "oci:" + box["dest"]), box["d.tar"], "app:v2");
        CliSandbox.AssertOneLineError(await box.RunAsync("copy", "docker-archive:" + box["d.tar"] + ":@3", "oci:" + box["dest"]), box["d.tar"], "@3");
        CliSandbox.AssertOneLineError(await box.RunAsync("copy", "app:v2", "oci:" + box["dest"]), "app:v2");
        CliSandbox.AssertOneLineError(await box.RunAsync("pack", app, "--base", "nothing:here", "--entrypoint", "/app", "-o", "oci:" + box["dest"]), "nothing:here");
        CliSandbox.AssertOneLineError(await box.RunAsync("tag", "app:v2", "app:v3"), "app:v2");
        CliSandbox.AssertOneLineError(await box.RunAsync("rmi", "app:v2"), "app:v2");
        Assert.Equal(blobs, box.StoreBlobs());
        Assert.Equal(["app:v1"], box.Store.List().Select(i => i.Name.Familiar));
        Assert.False(Path.Exists(box["dest"]));
        box.AssertNoLeftovers();
    }

    [Theory]
    [InlineData("oci:")]
    [InlineData("oci-archive:")]
    [InlineData("docker-archive:")]
    [InlineData("FOO:bar")]
    [InlineData("Upper/Case")]
    [InlineData("name:bad tag")]
    [InlineData("docker-archive:x.tar:@one")]
    [InlineData("dir:/tmp/x")]
    public async Task Invalid_references(string reference)
    {
        using var box = new CliSandbox();
        var app = box.WriteApp(links: false);
        // references are parsed before anything is read, so the source need not exist
        CliSandbox.AssertOneLineError(await box.RunAsync("copy", "oci:" + box["src"], reference), reference);
        CliSandbox.AssertOneLineError(await box.RunAsync("copy", reference, "oci:" + box["dest"]), reference);
        CliSandbox.AssertOneLineError(await box.RunAsync("pack", app, "--entrypoint", "/app", "-o", reference), reference);
        CliSandbox.AssertOneLineError(await box.RunAsync("pack", app, "--entrypoint", "/app", "--base", reference, "-o", "oci:" + box["dest"]), reference);
        if (!reference.Contains(':', StringComparison.Ordinal) || reference.StartsWith("FOO", StringComparison.Ordinal) || reference.StartsWith("name", StringComparison.Ordinal))
            CliSandbox.AssertOneLineError(await box.RunAsync("pack", app, "--entrypoint", "/app", "-t", reference), reference);
        AssertNothingWritten(box, "dest");
    }

    [Fact]
    public async Task Writing_into_a_non_empty_directory_that_is_not_a_layout()
    {
        using var box = new CliSandbox();
        var app = box.WriteApp();
        await box.OkAsync("pack", app, "--entrypoint", "/app", "-o", "oci:" + box["src"]);
        box.Temp.Write("precious/notes.txt", "keep me");
        CliSandbox.AssertOneLineError(await box.RunAsync("copy", "oci:" + box["src"], "oci:" + box["precious"]), box["precious"]);
        CliSandbox.AssertOneLineError(await box.RunAsync("pack", app, "--entrypoint", "/app", "-o", "oci:" + box["precious"]), box["precious"]);
        Assert.Equal(["notes.txt"], Directory.EnumerateFileSystemEntries(box["precious"]).Select(Path.GetFileName));
        Assert.Equal("keep me", File.ReadAllText(box["precious/notes.txt"]));

        // a file where a layout directory should be, and a directory where an archive file should be
        box.Temp.Write("afile", "data");
        CliSandbox.AssertOneLineError(await box.RunAsync("copy", "oci:" + box["src"], "oci:" + box["afile"]), box["afile"]);
        Assert.Equal("data", File.ReadAllText(box["afile"]));
        CliSandbox.AssertOneLineError(await box.RunAsync("copy", "oci:" + box["src"], "oci-archive:" + box["precious"]), box["precious"]);
        Assert.Equal(["notes.txt"], Directory.EnumerateFileSystemEntries(box["precious"]).Select(Path.GetFileName));
        box.AssertNoLeftovers();
    }

    [Fact]
    public async Task Pack_with_one_unwritable_destination_writes_none()
    {
        using var box = new CliSandbox();
        var app = box.WriteApp();
        box.Temp.Write("precious/notes.txt", "keep me");
        Directory.CreateDirectory(box["a-directory.tar"]);
        foreach (var bad in new[] { "oci:" + box["precious"], "oci-archive:" + box["a-directory.tar"], "docker-archive:" + box["out.tar"] + ":@0" })
        {
            var result = await box.RunAsync("pack", app, "--entrypoint", "/app", "-t", "good", "-o", "oci:" + box["good"], "-o", bad, "-o", "oci-archive:" + box["good.tar"]);
            CliSandbox.AssertOneLineError(result, bad.Split(':')[1]);
            Assert.DoesNotContain("Wrote", result.Stdout, StringComparison.Ordinal);
        }
        AssertNothingWritten(box, "good", "good.tar", "out.tar");
        Assert.Equal(["notes.txt"], Directory.EnumerateFileSystemEntries(box["precious"]).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Unknown_option_or_missing_argument_is_a_usage_error()
    {
        using var box = new CliSandbox();
        var app = box.WriteApp(links: false);
        var noEntrypoint = await box.RunAsync("pack", app, "-o", "oci:" + box["out"]);
        Assert.NotEqual(0, noEntrypoint.ExitCode);
        Assert.Contains("--entrypoint", noEntrypoint.Stderr, StringComparison.Ordinal);
        var unknown = await box.RunAsync("pack", app, "--entrypoint", "/app", "--frobnicate", "-o", "oci:" + box["out"]);
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("--frobnicate", unknown.Stderr, StringComparison.Ordinal);
        AssertNothingWritten(box, "out");
    }

    /// <summary>None of the destinations exists, the store holds no image or blob, and no temporary file is left.</summary>
    private static void AssertNothingWritten(CliSandbox box, params string[] destinations)
    {
        foreach (var d in destinations)
            Assert.False(Path.Exists(box[d]), $"{d} was left behind: {string.Join(", ", box.Temp.Files())}");
        Assert.Empty(box.StoreBlobs());
        Assert.Empty(box.Store.List());
        box.AssertNoLeftovers();
    }
}
