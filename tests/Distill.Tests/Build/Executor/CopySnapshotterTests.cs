using System.Security.Cryptography;
using Distill.Build;
using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Build.Executor;

/// <summary>
/// The copying snapshotter against overlayfs itself: the same lower trees, the same changes made through each, and the
/// layer entries of both upper directories (after the executor's pruning) must be equal, entry for entry.
/// </summary>
public sealed class CopySnapshotterTests : IDisposable
{
    private readonly TempDir _temp = new();
    private readonly SnapshotStore _store;

    public CopySnapshotterTests() => _store = new SnapshotStore(_temp["store"]);

    public void Dispose()
    {
        foreach (var point in Mounts.Below(_temp.Path))
            Mounts.Unmount(point);
        _temp.Dispose();
    }

    private const string Base = """
        mkdir -p etc usr/share/doc/a usr/share/doc/b usr/bin var/lib/x opt/dir srv/keep
        echo root > etc/passwd; echo hosts > etc/hosts; echo conf > etc/conf; echo tool > usr/bin/tool; echo readme > usr/share/doc/a/README
        echo b > usr/share/doc/b/f; echo x > var/lib/x/state; echo f > opt/file; echo d > opt/dir/inner; echo keep > srv/keep/k
        ln -s ../etc/passwd usr/passwd-link; ln usr/bin/tool usr/bin/tool-hard; chmod 4755 usr/bin/tool; chown 1:2 etc/conf; chmod 0700 var/lib/x
        mkfifo var/fifo; mknod usr/null c 1 3; mkdir -p empty/dir
        """;

    [Fact]
    public async Task The_merged_view_hides_whited_out_names_and_what_lies_under_opaque_directories_like_overlayfs()
    {
        var lower = await TreeAsync("l1", Base);
        var middle = await TreeAsync("l2", """
            mkdir -p usr/share/doc etc opt/dir var/lib
            mknod usr/share/doc/a c 0 0; mknod etc/hosts c 0 0; echo new > usr/share/doc/new; echo changed > etc/passwd
            mknod opt/dir/inner c 0 0; echo gone-below > opt/dir/fresh; mkdir var/lib/x; echo only > var/lib/x/mine; chmod 0750 var/lib/x
            echo file-now > srv
            """);
        TreeNative.MarkOpaque(Path.Combine(middle, "var/lib/x"));
        var top = await TreeAsync("l3", "mkdir -p usr/share/doc/a && echo again > usr/share/doc/a/back && mkdir opt && mknod opt/file c 0 0");
        string[] lowers = [lower, middle, top];
        using var work = _store.CreateWorkspace("merge");
        var expected = new OverlaySnapshotter(_store.EmptyDirectory).OpenReadOnly(lowers, work, "overlay");
        var copied = new CopySnapshotter().OpenWritable(lowers, work);
        var linked = new CopySnapshotter().OpenReadOnly(lowers, work, "linked");
        var overlayListing = await ListingAsync(expected);
        Assert.Equal(overlayListing, await ListingAsync(copied));
        Assert.Equal(overlayListing, await ListingAsync(linked));
        Assert.Contains(overlayListing, l => l.StartsWith("var/lib/x/mine\t", StringComparison.Ordinal));
        Assert.DoesNotContain(overlayListing, l => l.StartsWith("var/lib/x/state\t", StringComparison.Ordinal) || l.StartsWith("etc/hosts\t", StringComparison.Ordinal));
        Assert.Null(HostFileStat.GetXattr(Path.Combine(copied, "var/lib/x"), "trusted.overlay.opaque"));
        Assert.Equal(1UL, HostFileStat.Get(Path.Combine(copied, "usr/bin/tool")).LinkCount); // lower links broken, as overlayfs does on write
    }

    [Theory]
    [InlineData("echo new > new-file && mkdir -p new/dir/deep && echo n > new/dir/deep/f && ln -s target new/link")]
    [InlineData("echo more >> etc/passwd && echo fresh > usr/share/doc/b/f2")]
    [InlineData("rm etc/hosts && rm -rf usr/share/doc/a var/lib/x && rm usr/passwd-link")]
    [InlineData("chmod 0600 etc/hosts && chown 7:8 etc/passwd && chmod 0711 usr/share && touch -d @1000 opt/file")]
    [InlineData("ln -sfn hosts etc/passwd-alias && ln -sfn ../bin/elsewhere usr/passwd-link && ln etc/hosts etc/hosts-hard && echo a > a && ln a b && ln a etc/c")]
    [InlineData("rm opt/file && mkdir -p opt/file/sub && echo inside > opt/file/sub/x && rm -rf opt/dir && echo now-a-file > opt/dir")]
    [InlineData("rm -rf usr/share/doc && mkdir usr/share/doc && echo one > usr/share/doc/only")]
    [InlineData("rm -rf srv/keep/k && rmdir srv/keep && mkdir srv/keep && rm -rf empty/dir && mkdir empty/dir")]
    [InlineData("echo tool2 > usr/bin/tool-hard && mkfifo var/fifo2 && rm var/fifo && mknod usr/zero c 1 5 && rm usr/null")]
    [InlineData("touch etc/stub && rm etc/stub && mkdir -p etc/d && rmdir etc/d")]
    [InlineData("setcap cap_net_raw+ep usr/bin/tool && cp etc/conf etc/conf2 && setcap cap_net_bind_service+ep etc/conf2")]
    [InlineData("true")]
    [InlineData("ln -s target sym && ln sym sym-hard && mkfifo pipe && ln pipe pipe-hard && ln usr/passwd-link usr/passwd-link-hard")]
    public async Task A_step_makes_the_same_layer_entries_as_through_overlayfs(string script)
    {
        Tool.Require("setcap", "libcap2-bin");
        var lower = await TreeAsync("base", Base);
        var middle = await TreeAsync("mid", "mkdir -p usr/share/doc/b etc && mknod usr/share/doc/b/f c 0 0 && echo mid > etc/mid");
        string[] lowers = [lower, middle];
        var overlay = await StepAsync(new OverlaySnapshotter(_store.EmptyDirectory), lowers, script);
        var copy = await StepAsync(new CopySnapshotter(), lowers, script);
        Assert.Equal(overlay, copy);
    }

    [Fact]
    public async Task Steps_in_a_row_reuse_the_root_filesystem_and_still_match_overlayfs()
    {
        var lower = await TreeAsync("base", Base);
        string[] scripts =
        [
            "echo one > etc/one && rm etc/hosts && echo a > a && ln a b",
            "echo two >> etc/one && rm -rf usr/share/doc && echo changed > a && chmod 0600 b",
            "touch etc/stub && rm etc/stub",
            "mkdir usr/share/doc && echo back > usr/share/doc/x && rm etc/one",
        ];
        var overlayChain = new List<string> { lower };
        var copyChain = new List<string> { lower };
        using var copy = new CopySnapshotter();
        for (var i = 0; i < scripts.Length; i++)
        {
            var (overlayEntries, overlayUpper) = await StepCommitAsync(new OverlaySnapshotter(_store.EmptyDirectory), overlayChain, scripts[i], $"o{i}");
            var (copyEntries, copyUpper) = await StepCommitAsync(copy, copyChain, scripts[i], $"c{i}");
            Assert.Equal(overlayEntries, copyEntries);
            if (!UpperDirDiff.IsEmpty(overlayUpper))
                overlayChain.Add(overlayUpper);
            if (!UpperDirDiff.IsEmpty(copyUpper))
                copyChain.Add(copyUpper);
        }
        Assert.Equal(3, copy.Reused);
    }

    private async Task<string> TreeAsync(string name, string script)
    {
        var dir = _temp[$"tree-{name}-{Guid.NewGuid():N}"];
        Directory.CreateDirectory(dir);
        await Tool.RunOkAsync("sh", ["-ec", script], workingDirectory: dir);
        return dir;
    }

    private async Task<List<string>> StepAsync(ISnapshotter snapshotter, IReadOnlyList<string> lowers, string script)
    {
        using var work = _store.CreateWorkspace("step");
        var rootfs = snapshotter.OpenWritable(lowers, work);
        string upper;
        try
        {
            await Tool.RunOkAsync("sh", ["-ec", script], workingDirectory: rootfs);
        }
        finally
        {
            upper = snapshotter.CloseWritable(rootfs, lowers, work);
        }
        UpperDirDiff.PruneUnchangedDirectories(upper, lowers);
        return Describe(UpperDirDiff.Scan(upper));
    }

    private async Task<(List<string> Entries, string Committed)> StepCommitAsync(ISnapshotter snapshotter, IReadOnlyList<string> lowers, string script, string key)
    {
        using var work = _store.CreateWorkspace("step");
        var rootfs = snapshotter.OpenWritable(lowers, work);
        await Tool.RunOkAsync("sh", ["-ec", script], workingDirectory: rootfs);
        var upper = snapshotter.CloseWritable(rootfs, lowers, work);
        UpperDirDiff.PruneUnchangedDirectories(upper, lowers);
        var committed = _store.Commit(key, upper);
        return (Describe(UpperDirDiff.Scan(committed)), committed);
    }

    /// <summary>Layer entries as text: everything a tar header carries (mtimes are clamped) and the content's hash.</summary>
    private static List<string> Describe(IReadOnlyList<FileTreeEntry> entries) =>
        entries.Select(e =>
        {
            var h = e.Header;
            var xattrs = h.Xattrs is null ? "" : string.Join(',', h.Xattrs.Select(x => $"{x.Key}={Convert.ToHexString(x.Value)}"));
            var content = e.SourcePath is { } p ? Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(p)))[..16] : "";
            return $"{h.Name} {h.Kind} {Convert.ToString(h.Mode, 8)} {h.Uid}:{h.Gid} {h.Size} {h.LinkName} {h.DevMajor},{h.DevMinor} {h.ModTime} {xattrs} {content}";
        }).ToList();

    /// <summary>A merged view as find sees it: type, mode, owner, mtime, link target, device and content hash (not link counts).</summary>
    private static async Task<List<string>> ListingAsync(string root)
    {
        var result = await Tool.RunOkAsync("find", [".", "-mindepth", "1", "-printf", "%P\t%y\t%m\t%U:%G\t%T@\t%l\n"], workingDirectory: root);
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line =>
            {
                var fields = line.Split('\t');
                var content = fields[1] == "f" ? Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(root, fields[0])))) : "";
                return $"{line}\t{content}";
            })
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
