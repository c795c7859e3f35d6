using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Cli;

/// <summary><c>images</c>, <c>tag</c>, <c>rmi</c> and <c>copy</c> against the local store, and several processes sharing it.</summary>
public sealed class StoreCommandTests
{
    [Fact]
    public async Task Images_lists_every_tag_and_quiet_prints_digests()
    {
        using var box = new CliSandbox();
        var empty = await box.OkAsync("images");
        Assert.Equal(["REPOSITORY", "TAG", "DIGEST", "SIZE"], Rows(empty)[0]);
        Assert.Single(Rows(empty));

        var app = box.WriteApp();
        var digest = CliSandbox.PrintedDigest(await box.OkAsync("pack", app, "--entrypoint", "/app", "-t", "app:1"));
        await box.OkAsync("tag", "app:1", "example.com/team/other:2");
        await box.OkAsync("tag", "app:1", "app"); // :latest
        var rows = Rows(await box.OkAsync("images"));
        Assert.Equal(["REPOSITORY", "TAG", "DIGEST", "SIZE"], rows[0]);
        var listed = rows.Skip(1).Select(r => (r[0], r[1])).Order().ToList();
        Assert.Equal([("app", "1"), ("app", "latest"), ("example.com/team/other", "2")], listed);
        var image = await box.ReadAsync("app:1");
        var size = image.ManifestDescriptor.Size + image.Manifest.Config.Size + image.Layers.Sum(l => l.Descriptor.Size);
        Assert.All(rows.Skip(1), r =>
        {
            Assert.Equal(4, r.Length);
            Assert.Equal(digest["sha256:".Length..][..12], r[2]);
            Assert.Equal($"{size}B", r[3]); // a small image: bytes
        });

        var quiet = (await box.OkAsync("images", "-q")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([digest, digest, digest], quiet);
        Assert.Equal(quiet, (await box.OkAsync("images", "--quiet")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        LayoutValidator.AssertValid(box.Store.Layout, allowDockerMediaTypes: true);
    }

    [Fact]
    public async Task Tag_replaces_an_existing_name_and_rmi_collects_only_unused_blobs()
    {
        using var box = new CliSandbox();
        box.Temp.Write("base/bin/tool", "#!/bin/sh\n", (UnixFileMode)0x1ed);
        await box.OkAsync("pack", box["base"], "--entrypoint", "/bin/tool", "-t", "base:1");
        var app = box.WriteApp();
        await box.OkAsync("pack", app, "--base", "base:1", "--entrypoint", "/app", "-t", "app:1");
        var baseImage = await box.ReadAsync("base:1");
        var appImage = await box.ReadAsync("app:1");
        Assert.Equal(baseImage.Layers[0].Descriptor.Digest, appImage.Layers[0].Descriptor.Digest);
        await box.OkAsync("tag", "base:1", "base:alias");

        // a name moves: tagging onto an existing name replaces it
        await box.OkAsync("tag", "app:1", "moving");
        await box.OkAsync("tag", "base:1", "moving");
        Assert.Equal(baseImage.ManifestDescriptor.Digest, (await box.ReadAsync("moving")).ManifestDescriptor.Digest);
        await box.OkAsync("rmi", "moving");

        // another name still holds the base: nothing is deleted
        var rmi = await box.OkAsync("rmi", "base:1");
        Assert.Contains("Untagged: base:1", rmi.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Deleted: {baseImage.ManifestDescriptor.Digest}", rmi.Stdout, StringComparison.Ordinal);
        Assert.All(BlobsOf(baseImage).Concat(BlobsOf(appImage)), d => Assert.True(HasBlob(box, d), $"{d} was collected while in use"));
        await box.OkAsync("rmi", "base:alias");

        // the base's config and manifest go; its layer stays, app:1 uses it
        Assert.False(HasBlob(box, baseImage.ManifestDescriptor.Digest));
        Assert.False(HasBlob(box, baseImage.Manifest.Config.Digest));
        Assert.All(BlobsOf(appImage), d => Assert.True(HasBlob(box, d), $"{d} was collected while app:1 uses it"));
        Assert.Equal(["app:1"], box.Store.List().Select(i => i.Name.Familiar));
        LayoutValidator.AssertValid(box.Store.Layout, allowDockerMediaTypes: true);
        await box.ReadAsync("app:1");

        await box.OkAsync("rmi", "app:1");
        Assert.Empty(box.StoreBlobs());
        Assert.Single(Rows(await box.OkAsync("images")));
        LayoutValidator.AssertValid(box.Store.Layout, allowDockerMediaTypes: true);
        box.AssertNoLeftovers();
    }

    [Fact]
    public async Task Rmi_of_several_names_at_once()
    {
        using var box = new CliSandbox();
        var app = box.WriteApp(links: false);
        await box.OkAsync("pack", app, "--entrypoint", "/app", "-t", "a", "-t", "b", "-t", "c");
        await box.OkAsync("rmi", "a", "docker.io/library/b:latest");
        Assert.Equal(["c:latest"], box.Store.List().Select(i => i.Name.Familiar));
        Assert.NotEmpty(box.StoreBlobs());
        LayoutValidator.AssertValid(box.Store.Layout, allowDockerMediaTypes: true);
    }

    [Fact]
    public async Task Concurrent_packs_into_one_store_keep_every_tag()
    {
        using var box = new CliSandbox();
        var app = box.WriteApp();
        const int count = 6;
        var runs = Enumerable.Range(0, count).Select(i =>
            box.RunAsync("pack", app, "--entrypoint", "/app", "--label", $"n={i}", "--split-layers", "-t", $"name-{i}")).ToList();
        var results = await Task.WhenAll(runs);
        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.All));
        var names = box.Store.List().Select(i => i.Name.Familiar).ToList();
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"name-{i}:latest"), names);
        LayoutValidator.AssertValid(box.Store.Layout, allowDockerMediaTypes: true);
        for (var i = 0; i < count; i++)
        {
            var image = await box.ReadAsync($"name-{i}");
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), image.Config.Config!.Labels!["n"]);
            Assert.Equal(CliSandbox.PrintedDigest(results[i]), image.ManifestDescriptor.Digest.ToString());
        }
        Assert.Equal(count, (await box.OkAsync("images", "-q")).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct().Count());

        // and removing them at once leaves an empty, valid store
        var removals = await Task.WhenAll(Enumerable.Range(0, count).Select(i => box.RunAsync("rmi", $"name-{i}")));
        Assert.All(removals, r => Assert.True(r.ExitCode == 0, r.All));
        Assert.Empty(box.Store.List());
        Assert.Empty(box.StoreBlobs());
        LayoutValidator.AssertValid(box.Store.Layout, allowDockerMediaTypes: true);
        box.AssertNoLeftovers();
    }

    [Fact]
    public async Task Copy_between_the_store_and_every_transport()
    {
        using var box = new CliSandbox();
        var app = box.WriteApp();
        var digest = CliSandbox.PrintedDigest(await box.OkAsync("pack", app, "--entrypoint", "/app", "--split-layers", "-t", "app:1"));
        var original = await box.ReadAsync("app:1");

        // out of the store
        Assert.Equal(digest, CliSandbox.PrintedDigest(await box.OkAsync("copy", "app:1", "oci:" + box["layout"] + ":v1", "--digestfile", box["d1"])));
        Assert.Equal(digest, File.ReadAllText(box["d1"]));
        Assert.Equal(digest, (await box.ReadLayoutAsync(box["layout"], "v1")).ManifestDescriptor.Digest.ToString());
        Assert.Equal(digest, CliSandbox.PrintedDigest(await box.OkAsync("copy", "app:1", "oci-archive:" + box["app.tar"])));
        await box.OkAsync("copy", "app:1", "docker-archive:" + box["docker.tar"] + ":app:1");
        // a second image into the same layout keeps the first
        await box.OkAsync("copy", "app:1", "oci:" + box["layout"] + ":v2");
        LayoutValidator.AssertValid(box["layout"]);
        Assert.Equal(digest, (await box.ReadLayoutAsync(box["layout"], "v1")).ManifestDescriptor.Digest.ToString());

        // back into the store under other names
        Assert.Equal(digest, CliSandbox.PrintedDigest(await box.OkAsync("copy", "oci:" + box["layout"] + ":v2", "from-oci")));
        Assert.Equal(digest, CliSandbox.PrintedDigest(await box.OkAsync("copy", "oci-archive:" + box["app.tar"], "from-archive")));
        await box.OkAsync("copy", "docker-archive:" + box["docker.tar"], "from-docker");
        await box.OkAsync("copy", "docker-archive:" + box["docker.tar"] + ":@0", "from-docker-0");
        await box.OkAsync("copy", "from-oci", "store-to-store:2");

        Assert.Equal(["app:1", "from-archive:latest", "from-docker-0:latest", "from-docker:latest", "from-oci:latest", "store-to-store:2"],
            box.Store.List().Select(i => i.Name.Familiar).Order(StringComparer.Ordinal));
        Assert.Equal(digest, (await box.ReadAsync("store-to-store:2")).ManifestDescriptor.Digest.ToString());
        var fromDocker = await box.ReadAsync("from-docker");
        Assert.Equal(original.ConfigBytes.ToArray(), fromDocker.ConfigBytes.ToArray());
        Assert.Equal(original.Layers.Select(l => l.DiffId), fromDocker.Layers.Select(l => l.DiffId));
        Assert.Equal(fromDocker.ManifestDescriptor.Digest, (await box.ReadAsync("from-docker-0")).ManifestDescriptor.Digest);
        LayoutValidator.AssertValid(box.Store.Layout, allowDockerMediaTypes: true);

        // the archives as other tools see them: an OCI layout inside, and what docker load reads
        var extracted = box["extracted"];
        Directory.CreateDirectory(extracted);
        await Tool.RunOkAsync("tar", ["-xf", box["app.tar"], "-C", extracted]);
        LayoutValidator.AssertValid(extracted);
        var listing = (await Tool.RunOkAsync("tar", ["-tf", box["docker.tar"]])).Stdout;
        Assert.Contains("manifest.json", listing, StringComparison.Ordinal);
        box.AssertNoLeftovers();
    }

    private static List<string[]> Rows(Tool.Result result) =>
        result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();

    private static IEnumerable<Digest> BlobsOf(IImage image) =>
        image.Layers.Select(l => l.Descriptor.Digest).Append(image.Manifest.Config.Digest).Append(image.ManifestDescriptor.Digest);

    private static bool HasBlob(CliSandbox box, Digest digest) =>
        File.Exists(Path.Combine(box.Store.Layout, "blobs", digest.Algorithm, digest.Encoded));
}
