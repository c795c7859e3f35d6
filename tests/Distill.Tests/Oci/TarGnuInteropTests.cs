using System.Text;
using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Oci;

/// <summary>GNU tar reads what <see cref="TarStreamWriter"/> writes, and <see cref="TarStreamReader"/> reads what GNU tar writes.</summary>
public sealed class TarGnuInteropTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string LongDir = string.Join('/', Enumerable.Range(0, 6).Select(i => $"directory-number-{i}-{new string('d', 30)}")); // ~300 chars
    private static readonly string LongFile = LongDir + "/" + new string('f', 120);
    private static readonly string LongTarget = "../" + new string('t', 150);
    private static readonly byte[] Capability = [0x01, 0x00, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];

    private static List<(TarEntryHeader, byte[]?)> Entries()
    {
        var entries = new List<(TarEntryHeader, byte[]?)>
        {
            (new TarEntryHeader { Name = "app", Kind = TarEntryKind.Directory, Mode = 0x1ed, Uid = 1234, Gid = 5678, ModTime = 1700000000 }, null),
            (new TarEntryHeader { Name = "app/run", Kind = TarEntryKind.File, Mode = 0x9ed /* 04755 */, Uid = 1234, Gid = 5678, Size = 5, ModTime = 1700000001 }, "hello"u8.ToArray()),
            (new TarEntryHeader { Name = "app/caps", Kind = TarEntryKind.File, Mode = 0x1ed, Size = 3, ModTime = 1700000002,
                Xattrs = new Dictionary<string, byte[]> { ["user.distill.test"] = [0, 1, 0xff, (byte)'\n', (byte)'='], ["security.capability"] = Capability } }, "cap"u8.ToArray()),
            (new TarEntryHeader { Name = "tmp", Kind = TarEntryKind.Directory, Mode = 0x3ff /* 01777 */, ModTime = 1700000003 }, null),
            (new TarEntryHeader { Name = "app/link", Kind = TarEntryKind.Symlink, Mode = 0x1ff, LinkName = "run", ModTime = 1700000004 }, null),
            (new TarEntryHeader { Name = "app/hard", Kind = TarEntryKind.Hardlink, Mode = 0x9ed, LinkName = "app/run", ModTime = 1700000001 }, null),
            (new TarEntryHeader { Name = "app/héllo-日本.txt", Kind = TarEntryKind.File, Mode = 0x1a4, Size = 2, ModTime = 1700000005 }, "hi"u8.ToArray()),
            (new TarEntryHeader { Name = "big-ids", Kind = TarEntryKind.File, Mode = 0x1a4, Uid = 3000000, Gid = 4000000, Size = 0, ModTime = 1700000006 }, null),
            (new TarEntryHeader { Name = "long-link", Kind = TarEntryKind.Symlink, Mode = 0x1ff, LinkName = LongTarget, ModTime = 1700000007 }, null),
        };
        var parts = LongDir.Split('/');
        for (var i = 1; i <= parts.Length; i++)
            entries.Add((new TarEntryHeader { Name = string.Join('/', parts[..i]), Kind = TarEntryKind.Directory, Mode = 0x1ed, ModTime = 1700000008 }, null));
        entries.Add((new TarEntryHeader { Name = LongFile, Kind = TarEntryKind.File, Mode = 0x180, Size = 4, ModTime = 1700000009 }, "long"u8.ToArray()));
        return entries;
    }

    [Fact]
    public async Task Gnu_tar_lists_what_we_write()
    {
        var tar = Tool.Require("tar", "tar");
        using var dir = new TempDir();
        var archive = dir["out.tar"];
        await File.WriteAllBytesAsync(archive, await TarBytes.WriteAsync(Entries(), Ct), Ct);
        var list = (await Tool.RunOkAsync(tar, ["-tvf", archive, "--numeric-owner", "--utc"], env: Utf8)).Stdout;
        // columns are padded to align: compare with single spaces
        var lines = list.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => System.Text.RegularExpressions.Regex.Replace(l, " +", " ")).ToList();
        Assert.True(Entries().Count == lines.Count, list);
        Assert.Contains(lines, l => l.StartsWith("drwxr-xr-x 1234/5678", StringComparison.Ordinal) && l.EndsWith(" app/", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("-rwsr-xr-x 1234/5678 5 2023-11-14 22:13", StringComparison.Ordinal) && l.EndsWith(" app/run", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("drwxrwxrwt 0/0", StringComparison.Ordinal) && l.EndsWith(" tmp/", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("lrwxrwxrwx", StringComparison.Ordinal) && l.EndsWith(" app/link -> run", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("hrwsr-xr-x", StringComparison.Ordinal) && l.EndsWith(" app/hard link to app/run", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith(" app/héllo-日本.txt", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("-rw-r--r-- 3000000/4000000 0", StringComparison.Ordinal) && l.EndsWith(" big-ids", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith(" long-link -> " + LongTarget, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("-rw------- 0/0 4", StringComparison.Ordinal) && l.EndsWith(" " + LongFile, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Gnu_tar_extracts_what_we_write()
    {
        var tar = Tool.Require("tar", "tar");
        var stat = Tool.Require("stat", "coreutils");
        using var dir = new TempDir();
        var archive = dir["out.tar"];
        await File.WriteAllBytesAsync(archive, await TarBytes.WriteAsync(Entries(), Ct), Ct);
        var root = Directory.CreateDirectory(dir["x"]).FullName;
        await Tool.RunOkAsync(tar, ["-xpf", archive, "-C", root, "--numeric-owner", "--same-owner", "--xattrs", "--xattrs-include=*"], env: Utf8);

        Assert.Equal("hello", await File.ReadAllTextAsync(Path.Combine(root, "app/run"), Ct));
        Assert.Equal("4755 1234 5678 1700000001", await Stat(stat, "%a %u %g %Y", Path.Combine(root, "app/run")));
        Assert.Equal("1777", await Stat(stat, "%a", Path.Combine(root, "tmp")));
        Assert.Equal("3000000 4000000", await Stat(stat, "%u %g", Path.Combine(root, "big-ids")));
        Assert.Equal("run", new FileInfo(Path.Combine(root, "app/link")).LinkTarget);
        Assert.Equal(LongTarget, new FileInfo(Path.Combine(root, "long-link")).LinkTarget);
        Assert.Equal(await Stat(stat, "%i", Path.Combine(root, "app/run")), await Stat(stat, "%i", Path.Combine(root, "app/hard")));
        Assert.Equal("hi", await File.ReadAllTextAsync(Path.Combine(root, "app/héllo-日本.txt"), Ct));
        Assert.Equal("long", await File.ReadAllTextAsync(Path.Combine(root, LongFile), Ct));
        Assert.Equal("600", await Stat(stat, "%a", Path.Combine(root, LongFile)));

        // the xattrs landed on the file: archive it again with GNU tar and read its SCHILY.xattr records
        var again = dir["again.tar"];
        await Tool.RunOkAsync(tar, ["--xattrs", "--xattrs-include=*", "--format=pax", "-cf", again, "-C", root, "app/caps"], env: Utf8);
        var read = await TarBytes.ReadAllAsync(File.OpenRead(again), again, Ct);
        var xattrs = read.Single().Header.Xattrs;
        Assert.NotNull(xattrs);
        Assert.Equal([0, 1, 0xff, (byte)'\n', (byte)'='], xattrs["user.distill.test"]);
        Assert.Equal(Capability, xattrs["security.capability"]);
    }

    [Theory]
    [InlineData("gnu")]
    [InlineData("pax")]
    public async Task Reads_what_gnu_tar_writes(string format)
    {
        var tar = Tool.Require("tar", "tar");
        using var dir = new TempDir();
        var root = Directory.CreateDirectory(dir["src"]).FullName;
        var longFile = Path.Combine(root, LongFile);
        Directory.CreateDirectory(Path.GetDirectoryName(longFile)!);
        await File.WriteAllTextAsync(longFile, "long", Ct);
        File.SetUnixFileMode(longFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var run = Path.Combine(root, "app", "run");
        Directory.CreateDirectory(Path.GetDirectoryName(run)!);
        await File.WriteAllTextAsync(run, "hello", Ct);
        File.SetUnixFileMode(run, (UnixFileMode)0x9ed);
        await File.WriteAllTextAsync(Path.Combine(root, "app", "héllo-日本.txt"), "hi", Ct);
        var big = new byte[100_000];
        new Random(3).NextBytes(big);
        await File.WriteAllBytesAsync(Path.Combine(root, "app", "big"), big, Ct);
        File.CreateSymbolicLink(Path.Combine(root, "app", "link"), "run");
        File.CreateSymbolicLink(Path.Combine(root, "long-link"), LongTarget);
        await Tool.RunOkAsync("ln", [run, Path.Combine(root, "app", "z-hard")]);
        var archive = dir["gnu.tar"];
        await Tool.RunOkAsync(tar, [$"--format={format}", "--sort=name", "--numeric-owner", "--owner=3000000", "--group=4000000",
            "--mtime=@1700000000", "-cf", archive, "-C", root, "."], env: Utf8);

        await using var input = File.OpenRead(archive);
        var entries = (await TarBytes.ReadAllAsync(input, archive, Ct)).ToDictionary(e => TarEntryHeader.CleanName(e.Header.Name));
        Assert.All(entries.Values, e => Assert.Equal(3000000, e.Header.Uid));
        Assert.All(entries.Values, e => Assert.Equal(4000000, e.Header.Gid));
        Assert.All(entries.Values, e => Assert.Equal(1700000000, e.Header.ModTime));
        Assert.Equal(TarEntryKind.Directory, entries["app"].Header.Kind);
        Assert.Equal(TarEntryKind.Directory, entries[LongDir].Header.Kind);
        Assert.Equal("hello"u8.ToArray(), entries["app/run"].Data);
        Assert.Equal(0x9ed, entries["app/run"].Header.Mode);
        Assert.Equal(big, entries["app/big"].Data);
        Assert.Equal("hi"u8.ToArray(), entries["app/héllo-日本.txt"].Data);
        Assert.Equal("long"u8.ToArray(), entries[LongFile].Data);
        Assert.Equal(0x180, entries[LongFile].Header.Mode);
        Assert.Equal((TarEntryKind.Symlink, "run"), (entries["app/link"].Header.Kind, entries["app/link"].Header.LinkName));
        Assert.Equal((TarEntryKind.Symlink, LongTarget), (entries["long-link"].Header.Kind, entries["long-link"].Header.LinkName));
        Assert.Equal(TarEntryKind.Hardlink, entries["app/z-hard"].Header.Kind);
        Assert.Equal("app/run", TarEntryHeader.CleanName(entries["app/z-hard"].Header.LinkName));
        Assert.Equal(0, entries["app/z-hard"].Header.Size);
    }

    private static readonly Dictionary<string, string> Utf8 = new() { ["LC_ALL"] = "C.UTF-8", ["TZ"] = "UTC" };

    private static async Task<string> Stat(string stat, string format, string path) =>
        (await Tool.RunOkAsync(stat, ["-c", format, path])).Stdout.Trim();
}
