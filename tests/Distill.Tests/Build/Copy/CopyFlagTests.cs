using Distill.Build;

namespace Distill.Tests.Build.Copy;

/// <summary>Wildcards, --chmod, --exclude, --parents and --link.</summary>
public sealed class CopyFlagTests
{
    [Fact]
    public async Task Wildcards_match_in_the_context_and_in_a_root_filesystem_and_a_matched_symlink_is_followed()
    {
        using var f = new CopyFixture();
        f.Write("a.txt", "a");
        f.Write("b.txt", "b");
        f.Write("c.md", "c");
        f.Mkdir("src/d", 0x1ed, f.Rootfs);
        f.Write("src/a.txt", "A", 0x1a4, f.Rootfs);
        f.Write("src/d/x", "x", 0x180, f.Rootfs);
        f.Write("real", "R", 0x1a4, f.Rootfs);
        f.Symlink("src/l.txt", "/real", f.Rootfs);
        await f.CopyAsync("/t/", "*.txt");
        await f.CopyAsync(new CopyRequest { Sources = ["/src/*.txt"], Destination = "/r/" }, f.RootfsSource());
        await f.CopyAsync(new CopyRequest { Sources = ["/src/[d]/?"], Destination = "/u/" }, f.RootfsSource());
        Assert.Equal(
        [
            "/r d 755 0:0", "/r/a.txt f 644 0:0", "/r/l.txt f 644 0:0",
            "/t d 755 0:0", "/t/a.txt f 644 0:0", "/t/b.txt f 644 0:0",
            "/u d 755 0:0", "/u/x f 600 0:0",
        ], f.Listing());
        Assert.Equal("R", f.Read("/r/l.txt"));
    }

    [Fact]
    public async Task Chmod_octal_applies_to_files_and_directories_below_the_destination()
    {
        using var f = new CopyFixture();
        f.Mkdir("d/sub");
        f.Write("d/x", "x", 0x180);
        await f.CopyAsync(new CopyRequest { Sources = ["d"], Destination = "/c/", Chmod = "751" });
        Assert.Equal(["/c d 755 0:0", "/c/sub d 751 0:0", "/c/x f 751 0:0"], f.Listing());
    }

    [Theory]
    [InlineData("u+x", 0x1a4, false, 0x1e4)]
    [InlineData("go-r", 0x1a4, false, 0x180)]
    [InlineData("a=rX", 0x1a4, false, 0x124)]
    [InlineData("a=rX", 0x1a4, true, 0x16d)]
    [InlineData("a=rX", 0x1c0, false, 0x16d)]
    [InlineData("u=rwx,g=rx,o=", 0, false, 0x1e8)]
    [InlineData("+x", 0x1a4, false, 0x1ed)]
    [InlineData("u+s", 0x1ed, false, 0x9ed)]
    [InlineData("g=u", 0x1c0, false, 0x1f8)]
    [InlineData("0644", 0x1ff, true, 0x1a4)]
    public void Chmod_modes_apply_like_chmod(string text, int before, bool isDirectory, int after) =>
        Assert.Equal(Convert.ToString(after, 8), Convert.ToString(CopyMode.Parse(text).Apply(before, isDirectory), 8));

    [Fact]
    public async Task A_bad_chmod_fails_with_the_position()
    {
        using var f = new CopyFixture();
        f.Write("x", "x");
        var e = await Assert.ThrowsAsync<BuildException>(() => f.CopyAsync(new CopyRequest { Sources = ["x"], Destination = "/x", Chmod = "u+q", Location = "Dockerfile:2" }));
        Assert.Equal("Dockerfile:2: invalid chmod parameter: u+q", e.Message);
    }

    [Fact]
    public async Task Exclude_leaves_out_matching_entries_below_the_source_and_their_changes_do_not_change_the_digest()
    {
        using var f = new CopyFixture();
        f.Mkdir("app/node_modules/m");
        f.Write("app/node_modules/m/i.js", "m");
        f.Write("app/main.js", "main");
        f.Write("app/main.test.js", "t");
        f.Write("app/sub/x.test.js", "t");
        var request = new CopyRequest { Sources = ["app"], Destination = "/app", Excludes = ["node_modules", "*.test.js", "**/*.test.js"] };
        await f.CopyAsync(request);
        Assert.Equal(["/app d 755 0:0", "/app/main.js f 644 0:0", "/app/sub d 755 0:0"], f.Listing());
        var before = await f.DigestAsync(request);
        f.Write("app/sub/x.test.js", "changed");
        f.Write("app/node_modules/m/i.js", "changed");
        Assert.Equal(before, await f.DigestAsync(request));
        f.Write("app/main.js", "changed");
        Assert.NotEqual(before, await f.DigestAsync(request));
    }

    [Fact]
    public async Task Parents_keeps_the_path_from_the_context_root_or_from_a_pivot()
    {
        using var f = new CopyFixture();
        f.Mkdir("src/dir1", 0x1c0);
        f.Mkdir("src/dir2/subdir2");
        f.Write("src/dir1/file1-1.py", "py");
        f.Write("src/dir1/file1-2.go", "go");
        f.Write("src/dir2/subdir2/file2-1.go", "go");
        f.Write("src/dir2/subdir2/file2-2.js", "js");
        f.Write("x/y/a.txt", "a");
        await f.CopyAsync(new CopyRequest { Sources = ["./src/*/*/*.go"], Destination = "/dst2/", Parents = true });
        await f.CopyAsync(new CopyRequest { Sources = ["./src/*/*.go"], Destination = "/dst3/", Parents = true });
        await f.CopyAsync(new CopyRequest { Sources = ["./x/./y/a.txt", "src/dir2"], Destination = "/p/", Parents = true });
        Assert.Equal(
        [
            "/dst2 d 755 0:0", "/dst2/src d 755 0:0", "/dst2/src/dir2 d 755 0:0", "/dst2/src/dir2/subdir2 d 755 0:0",
            "/dst2/src/dir2/subdir2/file2-1.go f 644 0:0",
            "/dst3 d 755 0:0", "/dst3/src d 755 0:0", "/dst3/src/dir1 d 700 0:0", "/dst3/src/dir1/file1-2.go f 644 0:0",
            "/p d 755 0:0", "/p/src d 755 0:0", "/p/src/dir2 d 755 0:0", "/p/src/dir2/subdir2 d 755 0:0",
            "/p/src/dir2/subdir2/file2-1.go f 644 0:0", "/p/src/dir2/subdir2/file2-2.js f 644 0:0",
            "/p/y d 755 0:0", "/p/y/a.txt f 644 0:0",
        ], f.Listing());
    }

    [Fact]
    public async Task Link_copies_the_same_files()
    {
        using var f = new CopyFixture();
        f.Mkdir("d");
        f.Write("d/x", "x", 0x1c0);
        await f.CopyAsync(new CopyRequest { Sources = ["d"], Destination = "/d", Link = true });
        Assert.Equal(["/d d 755 0:0", "/d/x f 700 0:0"], f.Listing());
    }
}
