using Distill.Build;
using Distill.Dockerfile;

namespace Distill.Tests.Build.Copy;

/// <summary>COPY's basic rules, as BuildKit (fsutil's copier) applies them; checked against docker 20.10's BuildKit.</summary>
public sealed class FileCopierTests
{
    [Fact]
    public async Task A_file_keeps_its_mode_and_mtime_and_belongs_to_root()
    {
        using var f = new CopyFixture();
        var path = f.Write("app.sh", "echo hi", 0x1e9); // 0751
        File.SetLastWriteTimeUtc(path, new DateTime(2002, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        await f.CopyAsync("/bin/run", "app.sh");
        Assert.Equal("echo hi", f.Read("/bin/run"));
        Assert.Equal(0x1e9, f.ModeOf("/bin/run"));
        Assert.Equal((0, 0), f.OwnerOf("/bin/run"));
        Assert.Equal(new DateTime(2002, 1, 1, 0, 0, 0, DateTimeKind.Utc), File.GetLastWriteTimeUtc(f.T("/bin/run")));
        Assert.Equal(["/bin d 755 0:0", "/bin/run f 751 0:0"], f.Listing());
    }

    [Fact]
    public async Task A_directory_copies_its_contents_and_the_new_destination_directory_is_0755()
    {
        using var f = new CopyFixture();
        f.Mkdir("dir/sub", 0x1c0);
        f.Write("dir/a", "a", 0x1a0);
        f.Write("dir/sub/s", "s");
        File.SetUnixFileMode(f.Context + "/dir", (UnixFileMode)0x1c0);
        await f.CopyAsync("/newdir", "dir");
        Assert.Equal(["/newdir d 755 0:0", "/newdir/a f 640 0:0", "/newdir/sub d 700 0:0", "/newdir/sub/s f 644 0:0"], f.Listing());
    }

    [Fact]
    public async Task Trailing_slash_or_an_existing_directory_puts_a_file_inside()
    {
        using var f = new CopyFixture();
        f.Write("file", "f");
        Directory.CreateDirectory(f.T("/existing"));
        await f.CopyAsync("/fdir/", "file");
        await f.CopyAsync("/existing", "file");
        await f.CopyAsync("/plain", "file");
        Assert.Equal("f", f.Read("/fdir/file"));
        Assert.Equal("f", f.Read("/existing/file"));
        Assert.Equal("f", f.Read("/plain"));
    }

    [Fact]
    public async Task A_relative_destination_is_below_the_working_directory()
    {
        using var f = new CopyFixture();
        f.Write("a", "a");
        await f.CopyAsync(new CopyRequest { Sources = ["a"], Destination = ".", WorkingDir = "/app" });
        await f.CopyAsync(new CopyRequest { Sources = ["a"], Destination = "sub/b", WorkingDir = "/app" });
        await f.CopyAsync(new CopyRequest { Sources = ["a"], Destination = "../up/", WorkingDir = "/app" });
        Assert.Equal("a", f.Read("/app/a"));
        Assert.Equal("a", f.Read("/app/sub/b"));
        Assert.Equal("a", f.Read("/up/a"));
    }

    [Fact]
    public async Task Several_sources_land_in_the_destination_and_a_file_destination_is_overwritten_by_each()
    {
        // BuildKit does not require a trailing slash for several sources (the classic builder did): each one is copied in turn
        using var f = new CopyFixture();
        f.Write("a", "a");
        f.Write("b", "b");
        f.Mkdir("d");
        f.Write("d/x", "x");
        await f.CopyAsync("/multi/", "a", "d");
        await f.CopyAsync("/noslash", "a", "b");
        Assert.Equal(["/multi d 755 0:0", "/multi/a f 644 0:0", "/multi/x f 644 0:0", "/noslash f 644 0:0"], f.Listing());
        Assert.Equal("b", f.Read("/noslash"));
    }

    [Fact]
    public async Task Symlinks_inside_a_directory_are_copied_as_links_and_a_named_symlink_is_followed()
    {
        using var f = new CopyFixture();
        f.Mkdir("dir");
        f.Write("dir/a", "a");
        f.Symlink("dir/link", "a");
        f.Symlink("dir/abs", "/etc/passwd");
        f.Write("file", "f", 0x1e9);
        f.Symlink("flink", "file");
        f.Symlink("dlink", "dir");
        await f.CopyAsync("/d/", "dir");
        await f.CopyAsync("/fl", "flink");
        await f.CopyAsync("/dl", "dlink");
        await f.CopyAsync("/into/", "flink");
        Assert.Equal(
        [
            "/d d 755 0:0", "/d/a f 644 0:0", "/d/abs l 777 0:0 -> /etc/passwd", "/d/link l 777 0:0 -> a",
            "/dl d 755 0:0", "/dl/a f 644 0:0", "/dl/abs l 777 0:0 -> /etc/passwd", "/dl/link l 777 0:0 -> a",
            "/fl f 751 0:0",
            "/into d 755 0:0", "/into/flink f 751 0:0",
        ], f.Listing());
    }

    [Fact]
    public async Task Symlinks_in_the_context_cannot_leave_it()
    {
        using var f = new CopyFixture();
        File.WriteAllText(Path.Combine(f.Outside, "secret"), "secret");
        f.Write("a", "a");
        f.Symlink("up", "../../..");
        f.Symlink("abs", "/secret");
        await f.CopyAsync("/up/", "up");
        Assert.Equal("a", f.Read("/up/a"));
        var e = await Assert.ThrowsAsync<BuildException>(() => f.CopyAsync(new CopyRequest { Sources = ["abs"], Destination = "/x", Location = "Dockerfile:3" }));
        Assert.Equal("Dockerfile:3: failed to compute cache key: \"/secret\": not found", e.Message);
        var dotdot = f.CopyAsync("/dd", "../secret");
        await Assert.ThrowsAsync<BuildException>(() => dotdot);
    }

    [Fact]
    public async Task Hard_links_within_one_copy_stay_hard_links()
    {
        using var f = new CopyFixture();
        f.Mkdir("dir");
        f.Write("dir/a", "a");
        CopyNative.Link(f.Context + "/dir/a", f.Context + "/dir/hard");
        await f.CopyAsync("/d", "dir");
        var a = CopyStat.TryGet(f.T("/d/a"))!.Value;
        var hard = CopyStat.TryGet(f.T("/d/hard"))!.Value;
        Assert.Equal(a.Inode, hard.Inode);
        Assert.Equal(2UL, a.LinkCount);
    }

    [Fact]
    public async Task A_missing_source_fails_like_BuildKit_and_writes_nothing()
    {
        using var f = new CopyFixture();
        f.Write("a", "a");
        var e = await Assert.ThrowsAsync<BuildException>(() =>
            f.CopyAsync(new CopyRequest { Sources = ["a", "nope"], Destination = "/x/", Location = "Dockerfile:12" }));
        Assert.Equal("Dockerfile:12: failed to compute cache key: \"/nope\": not found", e.Message);
        Assert.Empty(f.Listing());
    }

    [Fact]
    public async Task A_wildcard_that_matches_nothing_copies_nothing()
    {
        using var f = new CopyFixture();
        f.Write("a", "a");
        await f.CopyAsync("/empty/", "nope*");
        Assert.Empty(f.Listing());
    }

    [Fact]
    public async Task Files_dockerignore_excludes_do_not_exist_for_COPY()
    {
        using var f = new CopyFixture();
        f.Write("keep", "k");
        f.Write("secret.key", "s");
        f.Mkdir("dir");
        f.Write("dir/x.key", "x");
        f.Write("dir/y", "y");
        f.Symlink("tosecret", "secret.key");
        var ignore = DockerIgnore.Parse("*.key\n**/*.key\n");
        var source = f.ContextSource(ignore);
        await f.CopyAsync(new CopyRequest { Sources = ["."], Destination = "/all/" }, source);
        Assert.Equal(["/all d 755 0:0", "/all/dir d 755 0:0", "/all/dir/y f 644 0:0", "/all/keep f 644 0:0", "/all/tosecret l 777 0:0 -> secret.key"], f.Listing());
        var e = await Assert.ThrowsAsync<BuildException>(() => f.CopyAsync(new CopyRequest { Sources = ["secret.key"], Destination = "/s" }, source));
        Assert.Contains("\"/secret.key\": not found", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<BuildException>(() => f.CopyAsync(new CopyRequest { Sources = ["tosecret"], Destination = "/s" }, source));
    }

    [Fact]
    public async Task From_a_root_filesystem_owners_are_kept_and_symlinks_resolve_inside_it()
    {
        using var f = new CopyFixture();
        File.WriteAllText(Path.Combine(f.Outside, "hostfile"), "host");
        f.Mkdir("app", 0x1ed, f.Rootfs);
        f.Write("app/bin", "bin", 0x1ed, f.Rootfs);
        f.Mkdir("real", 0x1ed, f.Rootfs);
        f.Write("real/hostfile", "inside", 0x1a4, f.Rootfs);
        SafeRoot.LChown(f.Rootfs + "/app/bin", 1000, 1001);
        f.Symlink("app/cfg", "/real/hostfile", f.Rootfs);
        f.Symlink("link", "/app", f.Rootfs);
        f.Symlink("escape", "../../../../../hostfile", f.Rootfs);
        await f.CopyAsync(new CopyRequest { Sources = ["/link"], Destination = "/app" }, f.RootfsSource());
        await f.CopyAsync(new CopyRequest { Sources = ["/app/cfg"], Destination = "/cfg" }, f.RootfsSource());
        Assert.Equal(["/app d 755 0:0", "/app/bin f 755 1000:1001", "/app/cfg l 777 0:0 -> /real/hostfile", "/cfg f 644 0:0"], f.Listing());
        Assert.Equal("inside", f.Read("/cfg"));
        var e = await Assert.ThrowsAsync<BuildException>(() => f.CopyAsync(new CopyRequest { Sources = ["escape"], Destination = "/e" }, f.RootfsSource()));
        Assert.Contains("\"/hostfile\": not found", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Destination_symlinks_are_followed_inside_the_target_root()
    {
        using var f = new CopyFixture();
        f.Write("file", "f");
        Directory.CreateDirectory(f.T("/tgt/real"));
        File.CreateSymbolicLink(f.T("/tgt/lnk"), "real");
        File.CreateSymbolicLink(f.T("/tgt/abslnk"), "/tgt/real");
        File.CreateSymbolicLink(f.T("/tgt/out"), "../../../../../..");
        await f.CopyAsync("/tgt/lnk/", "file");
        await f.CopyAsync("/tgt/abslnk/deeper/", "file");
        await f.CopyAsync("/tgt/out/escaped", "file");
        Assert.Equal("f", f.Read("/tgt/real/file"));
        Assert.Equal("f", f.Read("/tgt/real/deeper/file"));
        Assert.Equal("f", f.Read("/escaped"));
        Assert.False(File.Exists(Path.Combine(f.Outside, "escaped")));
    }

    [Fact]
    public async Task Overwriting_replaces_files_and_symlinks_but_never_a_directory_with_a_file()
    {
        using var f = new CopyFixture();
        f.Write("a", "new");
        f.Mkdir("d");
        f.Write("d/x", "x");
        f.Mkdir("d/a");
        Directory.CreateDirectory(f.T("/t"));
        File.WriteAllText(f.T("/t/x"), "old");
        File.CreateSymbolicLink(f.T("/t/a"), "/nowhere");
        File.CreateSymbolicLink(f.T("/t/named"), "/nowhere");
        await f.CopyAsync("/t/", "a"); // into the directory: the symlink /t/a is replaced
        await f.CopyAsync("/t/named", "a"); // the destination itself is a symlink: followed (fs.RootPath)
        Assert.Equal(["/nowhere f 644 0:0", "/t d 755 0:0", "/t/a f 644 0:0", "/t/named l 777 0:0 -> /nowhere", "/t/x f 644 0:0"], f.Listing());
        Assert.Equal("new", f.Read("/t/a"));
        var e = await Assert.ThrowsAsync<BuildException>(() => f.CopyAsync(new CopyRequest { Sources = ["d"], Destination = "/t", Location = "Dockerfile:4" }));
        Assert.Equal("Dockerfile:4: cannot copy to non-directory: /t/a", e.Message);
    }

    [Fact]
    public async Task Chown_applies_to_copied_entries_and_to_the_directories_COPY_creates()
    {
        using var f = new CopyFixture();
        f.Mkdir("dir");
        f.Write("dir/x", "x");
        Directory.CreateDirectory(f.T("/etc"));
        File.WriteAllText(f.T("/etc/passwd"), "root:x:0:0::/root:/bin/sh\nbob:x:1500:1600::/home/bob:/bin/sh\nnum:x:55:77::/:/bin/sh\n");
        File.WriteAllText(f.T("/etc/group"), "root:x:0:\nstaff:x:2500:\n");
        await f.CopyAsync(new CopyRequest { Sources = ["dir"], Destination = "/c1/a/", Chown = "bob" });
        await f.CopyAsync(new CopyRequest { Sources = ["dir/x"], Destination = "/c2/", Chown = "55" });
        await f.CopyAsync(new CopyRequest { Sources = ["dir/x"], Destination = "/c3/", Chown = "bob:staff" });
        await f.CopyAsync(new CopyRequest { Sources = ["dir/x"], Destination = "/c4/", Chown = "1500:2500" });
        Assert.Equal((1500, 1600), f.OwnerOf("/c1"));
        Assert.Equal((1500, 1600), f.OwnerOf("/c1/a"));
        Assert.Equal((1500, 1600), f.OwnerOf("/c1/a/x"));
        Assert.Equal((55, 55), f.OwnerOf("/c2/x"));
        Assert.Equal((1500, 2500), f.OwnerOf("/c3/x"));
        Assert.Equal((1500, 2500), f.OwnerOf("/c4"));
    }

    [Fact]
    public async Task The_input_digest_follows_what_is_copied_and_only_that()
    {
        using var f = new CopyFixture();
        f.Mkdir("dir");
        f.Write("dir/a", "a");
        f.Write("dir/ignored.log", "1");
        f.Write("other", "o");
        var ignore = DockerIgnore.Parse("*.log\n**/*.log");
        var request = new CopyRequest { Sources = ["dir"], Destination = "/d" };
        var first = await f.DigestAsync(request, f.ContextSource(ignore));
        Assert.Equal(first, await f.DigestAsync(request, f.ContextSource(ignore)));
        f.Write("other", "changed");
        f.Write("dir/ignored.log", "2");
        Assert.Equal(first, await f.DigestAsync(request, f.ContextSource(ignore)));
        File.SetUnixFileMode(f.Context + "/dir/a", (UnixFileMode)0x1ed);
        var mode = await f.DigestAsync(request, f.ContextSource(ignore));
        Assert.NotEqual(first, mode);
        f.Write("dir/a", "A", 0x1ed);
        var content = await f.DigestAsync(request, f.ContextSource(ignore));
        Assert.NotEqual(mode, content);
        f.Symlink("dir/l", "a");
        var link = await f.DigestAsync(request, f.ContextSource(ignore));
        Assert.NotEqual(content, link);
        File.Delete(f.Context + "/dir/l");
        f.Symlink("dir/l", "b");
        Assert.NotEqual(link, await f.DigestAsync(request, f.ContextSource(ignore)));
    }

    [Fact]
    public async Task The_input_digest_of_a_root_filesystem_source_includes_owners()
    {
        using var f = new CopyFixture();
        f.Write("x", "x", 0x1a4, f.Rootfs);
        var request = new CopyRequest { Sources = ["/x"], Destination = "/x" };
        var before = await f.DigestAsync(request, f.RootfsSource());
        SafeRoot.LChown(f.Rootfs + "/x", 7, 7);
        Assert.NotEqual(before, await f.DigestAsync(request, f.RootfsSource()));
    }
}
