using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Cli;

/// <summary>
/// <c>distill pack</c> depends on the content and modes of the directory and nothing else: not when it runs,
/// not the files' timestamps, not where the directory is or where it is run from. Only SOURCE_DATE_EPOCH moves it.
/// </summary>
public sealed class PackReproducibilityTests
{
    private static readonly Dictionary<string, string> NoEpoch = new() { ["SOURCE_DATE_EPOCH"] = "" };

    [Fact]
    public async Task Same_content_gives_the_same_digest_whatever_the_time_place_and_working_directory()
    {
        using var box = new CliSandbox();
        var first = box.WriteApp("one");
        var second = box.WriteApp("elsewhere/two");
        var digest = await box.DigestOfAsync(["pack", first, "--entrypoint", "/app", "-o", "oci:" + box["out1"]], NoEpoch);

        // other timestamps on every file, and a later run
        foreach (var path in Directory.EnumerateFileSystemEntries(first, "*", SearchOption.AllDirectories).Append(first))
        {
            if (new FileInfo(path).LinkTarget is not null)
                continue;
            File.SetLastWriteTime(path, new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Local));
            File.SetLastAccessTime(path, new DateTime(2011, 2, 3, 4, 5, 6, DateTimeKind.Local));
        }
        await Task.Delay(1100, TestContext.Current.CancellationToken);
        Assert.Equal(digest, await box.DigestOfAsync(["pack", first, "--entrypoint", "/app", "-o", "oci:" + box["out2"]], NoEpoch));

        // another directory with the same content, given relative to another working directory
        Assert.Equal(digest, await box.DigestOfAsync(["pack", "two", "--entrypoint", "/app", "-o", "oci:" + box["out3"]], NoEpoch, box["elsewhere"]));
        Assert.Equal(digest, await box.DigestOfAsync(["pack", "../one", "--entrypoint", "/app", "-o", "oci:../out4"], NoEpoch, box["elsewhere"]));

        foreach (var o in new[] { "out1", "out2", "out3", "out4" })
            Assert.Equal(digest, (await box.ReadLayoutAsync(box[o])).ManifestDescriptor.Digest.ToString());

        // the layer keeps the modes, the symlink and the hard link, with the epoch as time and root as owner
        var image = await box.ReadLayoutAsync(box["out1"]);
        var entries = (await CliSandbox.EntriesAsync(Assert.Single(image.Layers))).ToDictionary(e => TarEntryHeader.CleanName(e.Name));
        Assert.Equal(0x1ed, entries["app"].Mode);
        Assert.Equal(0x1a4, entries["data/x.txt"].Mode);
        Assert.Equal(0x1c0, entries["data/run.sh"].Mode);
        Assert.Equal(TarEntryKind.Directory, entries["data"].Kind);
        Assert.Equal((TarEntryKind.Symlink, "data/x.txt"), (entries["link"].Kind, entries["link"].LinkName));
        Assert.Equal((TarEntryKind.Hardlink, "app"), (entries["data/hard"].Kind, entries["data/hard"].LinkName));
        Assert.All(entries.Values, e => Assert.Equal((0L, 0, 0), (e.ModTime, e.Uid, e.Gid)));
        Assert.Equal("1970-01-01T00:00:00Z", image.Config.Created);
        box.AssertNoLeftovers();
    }

    [Fact]
    public async Task Source_date_epoch_sets_created_and_every_mtime_and_so_changes_the_digest()
    {
        using var box = new CliSandbox();
        var app = box.WriteApp();
        var plain = await box.DigestOfAsync(["pack", app, "--entrypoint", "/app", "-o", "oci:" + box["plain"]], NoEpoch);
        var epoch = new Dictionary<string, string> { ["SOURCE_DATE_EPOCH"] = "1700000000" };
        var dated = await box.DigestOfAsync(["pack", app, "--entrypoint", "/app", "-o", "oci:" + box["dated"]], epoch);
        Assert.NotEqual(plain, dated);
        Assert.Equal(dated, await box.DigestOfAsync(["pack", app, "--entrypoint", "/app", "-o", "oci:" + box["again"]], epoch));

        var image = await box.ReadLayoutAsync(box["dated"]);
        Assert.Equal("2023-11-14T22:13:20Z", image.Config.Created);
        Assert.All(image.Config.History!, h => Assert.Equal("2023-11-14T22:13:20Z", h.Created));
        var entries = await CliSandbox.EntriesAsync(Assert.Single(image.Layers));
        Assert.NotEmpty(entries);
        Assert.All(entries, e => Assert.Equal(1700000000L, e.ModTime));
    }

    [Fact]
    public async Task Invalid_source_date_epoch_is_a_one_line_error()
    {
        using var box = new CliSandbox();
        var app = box.WriteApp(links: false);
        var result = await box.RunAsync(["pack", app, "--entrypoint", "/app", "-o", "oci:" + box["out"]], new Dictionary<string, string> { ["SOURCE_DATE_EPOCH"] = "yesterday" });
        CliSandbox.AssertOneLineError(result, "SOURCE_DATE_EPOCH", "yesterday");
        Assert.False(Directory.Exists(box["out"]));
        box.AssertNoLeftovers();
    }

    /// <summary>
    /// The digest of a fixed small input, pinned. Every byte Distill writes for a scratch image is in it: the tar
    /// headers, the gzip stream, the config and the manifest JSON. If it changes, every user who rebuilds the same
    /// app gets a different image digest (caches miss, signatures and pinned digests stop matching, "reproducible"
    /// is broken across Distill versions). So a change here must be deliberate: when it is (a format fix, a new
    /// default), run the test, copy the new digest from the failure message into <see cref="Golden"/>, and say why
    /// in the commit message and the release notes.
    /// </summary>
    private const string Golden = "sha256:7f549d105f4f7b5e9eebdc9c9c8bc1b27c042ea13f5d3fb353d82ce008d7c38f";

    [Fact]
    public async Task Golden_digest_of_a_fixed_input_does_not_change_by_accident()
    {
        using var box = new CliSandbox();
        box.Temp.Write("in/app", "#!/bin/sh\necho hi\n", (UnixFileMode)0x1ed);
        box.Temp.Write("in/data/x.txt", "x\n", (UnixFileMode)0x1a4);
        File.SetUnixFileMode(box["in/data"], (UnixFileMode)0x1ed);
        var digest = await box.DigestOfAsync(["pack", box["in"], "--entrypoint", "/app", "-o", "oci:" + box["out"]], NoEpoch);
        LayoutValidator.AssertValid(box["out"]);
        Assert.True(digest == Golden, $"the pinned digest changed: was {Golden}, now {digest} (see the comment on Golden before updating it)");
    }
}
