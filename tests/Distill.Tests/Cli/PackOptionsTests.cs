using System.Text.Json.Nodes;
using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Cli;

/// <summary>Each <c>distill pack</c> option, checked in the config and layers of the layout it writes.</summary>
public sealed class PackOptionsTests
{
    [Fact]
    public async Task Runtime_config_options_land_in_the_config()
    {
        using var box = new CliSandbox();
        var app = box.WriteApp(links: false);
        await box.OkAsync("pack", app, "--entrypoint", "/app", "--cmd", "serve", "--cmd", "--port=1",
            "--env", "A=1", "-e", "B=x=y", "--workdir", "/data", "--user", "1000:1000",
            "--label", "org.example.k=v", "--label", "b=2", "--expose", "8080", "--expose", "53/UDP", "-o", "oci:" + box["out"]);
        var image = await box.ReadLayoutAsync(box["out"]);
        var c = image.Config.Config!;
        Assert.Equal(["/app"], c.Entrypoint!);
        Assert.Equal(["serve", "--port=1"], c.Cmd!);
        Assert.Equal(["A=1", "B=x=y"], c.Env!);
        Assert.Equal("/data", c.WorkingDir);
        Assert.Equal("1000:1000", c.User);
        Assert.Equal(new Dictionary<string, string> { ["b"] = "2", ["org.example.k"] = "v" }, c.Labels!.ToDictionary());
        Assert.Equal(["53/udp", "8080/tcp"], c.ExposedPorts!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("linux", "amd64"), (image.Config.Os, image.Config.Architecture));
        var json = CliSandbox.ConfigJson(image);
        Assert.Equal("{}", json["config"]!["ExposedPorts"]!["8080/tcp"]!.ToJsonString());
        box.AssertNoLeftovers();
    }

    [Theory]
    [InlineData("8080/sctp1")]
    [InlineData("0")]
    [InlineData("70000")]
    [InlineData("http")]
    public async Task Bad_expose_is_a_one_line_error(string port)
    {
        using var box = new CliSandbox();
        var app = box.WriteApp(links: false);
        var result = await box.RunAsync("pack", app, "--entrypoint", "/app", "--expose", port, "-o", "oci:" + box["out"]);
        CliSandbox.AssertOneLineError(result, port);
        Assert.False(Directory.Exists(box["out"]));
        box.AssertNoLeftovers();
    }

    [Fact]
    public async Task Bad_env_and_label_are_one_line_errors()
    {
        using var box = new CliSandbox();
        var app = box.WriteApp(links: false);
        CliSandbox.AssertOneLineError(await box.RunAsync("pack", app, "--entrypoint", "/app", "--env", "NOVALUE", "-o", "oci:" + box["out"]), "NOVALUE");
        CliSandbox.AssertOneLineError(await box.RunAsync("pack", app, "--entrypoint", "/app", "--label", "=v", "-o", "oci:" + box["out"]), "=v");
        Assert.False(Directory.Exists(box["out"]));
        box.AssertNoLeftovers();
    }

    [Fact]
    public async Task App_dir_places_the_files_with_parent_directories_and_resolves_a_relative_entrypoint()
    {
        using var box = new CliSandbox();
        var app = box.WriteApp();
        var relative = await box.DigestOfAsync(["pack", app, "--app-dir", "/opt/app", "--entrypoint", "app", "-o", "oci:" + box["rel"]]);
        var absolute = await box.DigestOfAsync(["pack", app, "--app-dir", "/opt/app/", "--entrypoint", "/opt/app/app", "-o", "oci:" + box["abs"]]);
        Assert.Equal(relative, absolute);
        var image = await box.ReadLayoutAsync(box["rel"]);
        Assert.Equal(["/opt/app/app"], image.Config.Config!.Entrypoint!);
        var entries = await CliSandbox.EntriesAsync(Assert.Single(image.Layers));
        var names = entries.Select(e => TarEntryHeader.CleanName(e.Name)).ToList();
        Assert.Equal(["opt", "opt/app"], names.Take(2));
        Assert.All(entries.Take(2), e => Assert.Equal((TarEntryKind.Directory, 0x1ed), (e.Kind, e.Mode)));
        Assert.Contains("opt/app/data/x.txt", names);
        Assert.All(names.Skip(2), n => Assert.StartsWith("opt/app/", n, StringComparison.Ordinal));
        var hard = entries.Single(e => TarEntryHeader.CleanName(e.Name) == "opt/app/data/hard");
        Assert.Equal((TarEntryKind.Hardlink, "opt/app/app"), (hard.Kind, TarEntryHeader.CleanName(hard.LinkName!)));

        // an entrypoint outside the app dir needs a base image to provide it
        var outside = await box.RunAsync("pack", app, "--app-dir", "/opt/app", "--entrypoint", "/bin/app", "-o", "oci:" + box["outside"]);
        CliSandbox.AssertOneLineError(outside, "/bin/app");
        Assert.False(Directory.Exists(box["outside"]));
    }

    [Fact]
    public async Task Platform_sets_os_and_architecture()
    {
        using var box = new CliSandbox();
        var app = box.WriteApp(links: false);
        await box.OkAsync("pack", app, "--entrypoint", "/app", "--platform", "linux/arm64", "-o", "oci:" + box["out"]);
        var image = await box.ReadLayoutAsync(box["out"], platform: "linux/arm64");
        Assert.Equal(("linux", "arm64"), (image.Config.Os, image.Config.Architecture));
        Assert.Equal("arm64", CliSandbox.ConfigJson(image)["architecture"]!.GetValue<string>());
        await box.OkAsync("pack", app, "--entrypoint", "/app", "--platform", "linux/arm/v7", "-o", "oci:" + box["v7"]);
        var v7 = await box.ReadLayoutAsync(box["v7"], platform: "linux/arm/v7");
        Assert.Equal(("arm", "v7"), (v7.Config.Architecture, v7.Config.Variant));
    }

    [Fact]
    public async Task Compression_zstd_and_none_change_the_blob_but_not_the_content()
    {
        using var box = new CliSandbox();
        var app = box.WriteApp();
        var digests = new Dictionary<string, string>();
        foreach (var compression in new[] { "gzip", "zstd", "none" })
            digests[compression] = await box.DigestOfAsync(["pack", app, "--entrypoint", "/app", "--compression", compression, "-o", "oci:" + box[compression]]);
        Assert.Equal(3, digests.Values.Distinct().Count());

        var gzip = Assert.Single((await box.ReadLayoutAsync(box["gzip"])).Layers);
        var zstd = Assert.Single((await box.ReadLayoutAsync(box["zstd"])).Layers);
        var none = Assert.Single((await box.ReadLayoutAsync(box["none"])).Layers);
        Assert.Equal(MediaTypes.OciLayerGzip, gzip.Descriptor.MediaType);
        Assert.Equal("application/vnd.oci.image.layer.v1.tar+zstd", zstd.Descriptor.MediaType);
        Assert.Equal("application/vnd.oci.image.layer.v1.tar", none.Descriptor.MediaType);
        Assert.Equal(gzip.DiffId, zstd.DiffId);
        Assert.Equal(gzip.DiffId, none.DiffId);
        Assert.Equal(none.DiffId, none.Descriptor.Digest);
        var magic = File.ReadAllBytes(LayoutEditor.BlobPath(box["zstd"], zstd.Descriptor.Digest.ToString()))[..4];
        Assert.Equal(new byte[] { 0x28, 0xb5, 0x2f, 0xfd }, magic);
        Assert.Equal((await CliSandbox.EntriesAsync(gzip)).Select(e => e.Name), (await CliSandbox.EntriesAsync(zstd)).Select(e => e.Name));

        CliSandbox.AssertOneLineError(await box.RunAsync("pack", app, "--entrypoint", "/app", "--compression", "lz4", "-o", "oci:" + box["lz4"]), "lz4");
        Assert.False(Directory.Exists(box["lz4"]));
    }

    [Fact]
    public async Task Split_layers_gives_one_layer_per_top_level_directory_and_reuses_unchanged_ones()
    {
        using var box = new CliSandbox();
        box.Temp.Write("app/app", "#!/bin/sh\n", (UnixFileMode)0x1ed);
        box.Temp.Write("app/config.json", "{}");
        box.Temp.Write("app/lib/a.so", "library a");
        box.Temp.Write("app/lib/sub/b.so", "library b");
        box.Temp.Write("app/data/x.txt", "x");
        await box.OkAsync("pack", box["app"], "--entrypoint", "/app", "--split-layers", "-o", "oci:" + box["v1"]);
        var v1 = await box.ReadLayoutAsync(box["v1"]);
        Assert.Equal(3, v1.Layers.Count);
        var contents = new List<List<string>>();
        foreach (var layer in v1.Layers)
            contents.Add((await CliSandbox.EntriesAsync(layer)).Select(e => TarEntryHeader.CleanName(e.Name)).ToList());
        Assert.Equal(["data", "data/x.txt"], contents[0]);
        Assert.Equal(["lib", "lib/a.so", "lib/sub", "lib/sub/b.so"], contents[1]);
        Assert.Equal(["app", "config.json"], contents[2]);
        Assert.Equal(3, v1.Config.History!.Count);
        Assert.Equal(3, v1.Config.RootFs.DiffIds.Count);

        // only a top-level file changes: the directory layers are the same blobs (Jib-style reuse)
        box.Temp.Write("app/app", "#!/bin/sh\necho v2\n", (UnixFileMode)0x1ed);
        File.SetLastWriteTime(box["app/lib/a.so"], new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Local));
        await box.OkAsync("pack", box["app"], "--entrypoint", "/app", "--split-layers", "-o", "oci:" + box["v2"]);
        var v2 = await box.ReadLayoutAsync(box["v2"]);
        Assert.Equal(3, v2.Layers.Count);
        Assert.Equal(v1.Layers[0].Descriptor, v2.Layers[0].Descriptor);
        Assert.Equal(v1.Layers[1].Descriptor, v2.Layers[1].Descriptor);
        Assert.NotEqual(v1.Layers[2].Descriptor.Digest, v2.Layers[2].Descriptor.Digest);
    }

    [Fact]
    public async Task Split_layers_without_top_level_files_puts_parents_in_each_layer()
    {
        using var box = new CliSandbox();
        box.Temp.Write("app/bin/tool", "#!/bin/sh\n", (UnixFileMode)0x1ed);
        box.Temp.Write("app/share/doc.txt", "doc");
        await box.OkAsync("pack", box["app"], "--app-dir", "/opt/x", "--entrypoint", "bin/tool", "--split-layers", "-o", "oci:" + box["out"]);
        var image = await box.ReadLayoutAsync(box["out"]);
        Assert.Equal(2, image.Layers.Count);
        var first = (await CliSandbox.EntriesAsync(image.Layers[0])).Select(e => TarEntryHeader.CleanName(e.Name)).ToList();
        var second = (await CliSandbox.EntriesAsync(image.Layers[1])).Select(e => TarEntryHeader.CleanName(e.Name)).ToList();
        Assert.Equal(["opt", "opt/x", "opt/x/bin", "opt/x/bin/tool"], first);
        Assert.Equal(["opt", "opt/x", "opt/x/share", "opt/x/share/doc.txt"], second);
    }

    public static TheoryData<string> BaseTransports => new() { "oci", "oci-archive", "docker-archive", "store" };

    [Theory]
    [MemberData(nameof(BaseTransports))]
    public async Task Base_image_from_any_transport_keeps_its_layers_and_config(string transport)
    {
        using var box = new CliSandbox();
        box.Temp.Write("basefs/bin/tool", "#!/bin/sh\n", (UnixFileMode)0x1ed);
        await box.OkAsync("pack", box["basefs"], "--entrypoint", "/bin/tool", "--cmd", "base-arg", "--env", "PATH=/usr/bin", "--env", "A=1",
            "--user", "1000", "--workdir", "/base", "--label", "base=yes", "--expose", "9000", "-o", "oci:" + box["base"]);
        LayoutEditor.EditConfig(box["base"], config =>
        {
            config["x-custom"] = new JsonObject { ["keep"] = true };
            config["config"]!["Healthcheck"] = new JsonObject { ["Test"] = new JsonArray("CMD", "/bin/tool") };
            config["config"]!["StopSignal"] = "SIGTERM";
        });
        LayoutValidator.AssertValid(box["base"]);
        var baseImage = await box.ReadLayoutAsync(box["base"]);
        var baseRef = transport switch
        {
            "oci" => "oci:" + box["base"],
            "oci-archive" => "oci-archive:" + box["base.tar"],
            "docker-archive" => "docker-archive:" + box["base-docker.tar"],
            _ => "example.com/base:1",
        };
        if (transport != "oci")
            await box.OkAsync("copy", "oci:" + box["base"], baseRef);

        box.WriteApp();
        await box.OkAsync("pack", box["app"], "--base", baseRef, "--entrypoint", "/app", "--env", "A=2", "--env", "B=3",
            "--label", "extra=1", "--expose", "8080", "-o", "oci:" + box["out"]);
        var image = await box.ReadLayoutAsync(box["out"]);
        Assert.Equal(2, image.Layers.Count);
        Assert.Equal(baseImage.Layers[0].DiffId, image.Layers[0].DiffId);
        if (transport == "docker-archive")
        {
            // docker-archive holds layers uncompressed (as docker save and skopeo write them): the base layer comes as a tar
            Assert.Equal((MediaTypes.OciLayer, image.Layers[0].DiffId), (image.Layers[0].Descriptor.MediaType, image.Layers[0].Descriptor.Digest));
        }
        else
        {
            Assert.Equal(baseImage.Layers[0].Descriptor, image.Layers[0].Descriptor);
        }
        var c = image.Config.Config!;
        Assert.Equal(["/app"], c.Entrypoint!);
        Assert.Null(c.Cmd); // a new entrypoint drops the base's CMD, as in a Dockerfile
        Assert.Equal(["PATH=/usr/bin", "A=2", "B=3"], c.Env!);
        Assert.Equal(("1000", "/base"), (c.User, c.WorkingDir));
        Assert.Equal(new Dictionary<string, string> { ["base"] = "yes", ["extra"] = "1" }, c.Labels!.ToDictionary());
        Assert.Equal(["8080/tcp", "9000/tcp"], c.ExposedPorts!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("SIGTERM", c.StopSignal);
        var json = CliSandbox.ConfigJson(image);
        Assert.Equal("""{"keep":true}""", json["x-custom"]!.ToJsonString());
        Assert.Equal("""{"Test":["CMD","/bin/tool"]}""", json["config"]!["Healthcheck"]!.ToJsonString());
        Assert.Equal(2, image.Config.History!.Count);
        Assert.Equal(baseImage.Config.History![0].CreatedBy, image.Config.History[0].CreatedBy);
        box.AssertNoLeftovers();
    }

    [Fact]
    public async Task Base_image_of_another_platform_is_refused()
    {
        using var box = new CliSandbox();
        box.Temp.Write("basefs/bin/tool", "#!/bin/sh\n", (UnixFileMode)0x1ed);
        await box.OkAsync("pack", box["basefs"], "--entrypoint", "/bin/tool", "--platform", "linux/arm64", "-o", "oci:" + box["base"]);
        var app = box.WriteApp(links: false);
        var result = await box.RunAsync("pack", app, "--base", "oci:" + box["base"], "--entrypoint", "/app", "-o", "oci:" + box["out"]);
        CliSandbox.AssertOneLineError(result, "arm64");
        Assert.False(Directory.Exists(box["out"]));
        box.AssertNoLeftovers();
    }

    [Fact]
    public async Task Digestfile_and_every_output_get_the_same_digest()
    {
        using var box = new CliSandbox();
        var app = box.WriteApp();
        var result = await box.OkAsync("pack", app, "--entrypoint", "/app", "-t", "multi:1", "-t", "multi:2", "-o", "oci:" + box["out"],
            "-o", "oci-archive:" + box["out.tar"], "-o", "docker-archive:" + box["docker.tar"] + ":multi:3", "--digestfile", box["digest.txt"]);
        var digest = CliSandbox.PrintedDigest(result);
        Assert.Equal(digest, File.ReadAllText(box["digest.txt"]));
        Assert.Equal(digest, (await box.ReadLayoutAsync(box["out"])).ManifestDescriptor.Digest.ToString());
        Assert.Equal(digest, (await box.ReadAsync("oci-archive:" + box["out.tar"])).ManifestDescriptor.Digest.ToString());
        Assert.Equal(digest, (await box.ReadAsync("multi:1")).ManifestDescriptor.Digest.ToString());
        Assert.Equal(digest, (await box.ReadAsync("multi:2")).ManifestDescriptor.Digest.ToString());
        // docker-archive stores the config and uncompressed layers: same config, same diff_ids
        var docker = await box.ReadAsync("docker-archive:" + box["docker.tar"] + ":multi:3");
        var oci = await box.ReadLayoutAsync(box["out"]);
        Assert.Equal(oci.ConfigBytes.ToArray(), docker.ConfigBytes.ToArray());
        LayoutValidator.AssertValid(box.Store.Layout, allowDockerMediaTypes: true);
        box.AssertNoLeftovers();
    }

    [Fact]
    public async Task Without_tag_or_output_the_image_is_named_after_the_entrypoint()
    {
        using var box = new CliSandbox();
        var app = box.WriteApp(links: false);
        box.Temp.Write("app/My_Server", "#!/bin/sh\n", (UnixFileMode)0x1ed);
        await box.OkAsync("pack", app, "--entrypoint", "/My_Server");
        var images = await box.OkAsync("images");
        Assert.Contains("my_server", images.Stdout, StringComparison.Ordinal);
        LayoutValidator.AssertValid(box.Store.Layout, allowDockerMediaTypes: true);
        box.AssertNoLeftovers();
    }
}
