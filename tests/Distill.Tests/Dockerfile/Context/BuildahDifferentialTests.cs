using Distill.Dockerfile;
using Distill.Tests.Support;

namespace Distill.Tests.Dockerfile.Context;

/// <summary>
/// Differential: <c>buildah build</c> (no daemon; chroot isolation, vfs storage in a temp dir) runs
/// <c>FROM scratch</c> / <c>COPY . /ctx</c> and exports the result; what landed in /ctx must be what
/// <see cref="BuildContext.ListFiles"/> says the build sees. buildah (1.28, containers/storage's copy of Docker's
/// matcher) agrees with BuildKit on everything here; the cases where they differ are left out and listed in
/// <see cref="DockerIgnoreMatchTests"/> as BuildKit behaviour: <c>**foo</c> as a plain suffix, <c>a/b</c> then
/// <c>!a</c>, wildcard exceptions (<c>!**/keep</c>) inside an excluded directory, which buildah does not enter, and
/// regexp characters other than <c>.</c> and <c>$</c> (buildah's <c>a+b.txt</c> is the regexp <c>a+b\.txt</c>: it excludes
/// <c>aab.txt</c> and keeps <c>a+b.txt</c>; moby/patternmatcher escapes <c>.+()|{}$</c>).
/// </summary>
public sealed class BuildahDifferentialTests
{
    private static readonly string[] TreeFiles =
    [
        "a/b/keep.txt", "a/b/drop.txt", "a/c.txt", "a/b/c/d.txt", "docs/README.md", "top.md", "README.md", "README-secret.md",
        "README-x.md", "tempa", "tempab", "x/temp1", "x/y/temp2", "x/y/z/temp3", "file1", "filed", "x.go", "q/r/s.go", "!bc", "abc",
        "xbc", "foo/bar", "foo/x/bar", " #c", "#c", "a+b.txt", "aab.txt", "node_modules/p/keep", "node_modules/p/x", "e/f", "g/h",
        "sp ace/f", "dots.../f",
    ];

    public static TheoryData<string, string> Cases => new()
    {
        { "reference example", "# comment\n*/temp*\n*/*/temp*\ntemp?\n" },
        { "exception then exclusion", "*.md\n!README*.md\nREADME-secret.md\n" },
        { "exclusion then exception", "*.md\nREADME-secret.md\n!README*.md\n" },
        { "cleaning", "docs/**\n/top.md\n./x/\n excl_empty/ \n #c\nsp ace//\ng/../e\n" },
        { "wildcards", "**/*.go\nfoo/**/bar\n[!a]bc\nfile\\d\n" },
        { "everything but", "*\n!a/b\n" },
        { "double star but", "**\n!docs\n" },
        { "nested re-include", "node_modules\n!node_modules/p/keep\na\n!a/b/keep.txt\n" },
        { "classes", "[a-f]*\n!e\n?\n[^t]*.md\n" },
        { "dirs and links", "link\n!a\nempty/\n" },
    };

    private static void WriteTree(string root)
    {
        foreach (var f in TreeFiles)
        {
            var path = Path.Combine(root, f);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, f);
        }
        Directory.CreateDirectory(Path.Combine(root, "empty"));
        Directory.CreateDirectory(Path.Combine(root, "excl_empty"));
        File.CreateSymbolicLink(Path.Combine(root, "link"), "a/c.txt");
        File.CreateSymbolicLink(Path.Combine(root, "dirlink"), "docs");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Buildah_copies_what_we_list(string name, string dockerignore)
    {
        using var dir = new TempDir();
        var context = dir["ctx"];
        WriteTree(context);
        File.WriteAllText(Path.Combine(context, ".dockerignore"), dockerignore);
        var dockerfile = dir.Write("df/Dockerfile", "FROM scratch\nCOPY . /ctx\n");

        var expected = BuildContext.ListFiles(context, DockerIgnore.Load(context, dockerfile));
        var actual = await BuildahCopyAsync(dir, context, dockerfile);
        AssertSameListing(name, expected, actual);
    }

    [Fact]
    public async Task Buildah_uses_the_Dockerfile_specific_ignore_file_like_we_do()
    {
        using var dir = new TempDir();
        var context = dir["ctx"];
        WriteTree(context);
        File.WriteAllText(Path.Combine(context, ".dockerignore"), "a\n");
        var dockerfile = dir.Write("ctx/build/app.Dockerfile", "FROM scratch\nCOPY . /ctx\n");
        dir.Write("ctx/build/app.Dockerfile.dockerignore", "docs\nx\n");

        var ignore = DockerIgnore.Load(context, dockerfile);
        Assert.Equal(dockerfile + ".dockerignore", ignore.FileName);
        var expected = BuildContext.ListFiles(context, ignore);
        Assert.Contains(expected, e => e.Path == "a/c.txt");
        var actual = await BuildahCopyAsync(dir, context, dockerfile);
        AssertSameListing("Dockerfile-specific", expected, actual);
    }

    private static async Task<IReadOnlyList<ContextEntry>> BuildahCopyAsync(TempDir dir, string context, string dockerfile)
    {
        var buildah = Tool.Require("buildah", "buildah");
        var output = dir["out"];
        await Tool.RunOkAsync(buildah,
        [
            "--root", dir["storage"], "--runroot", dir["run"], "--storage-driver", "vfs",
            "build", "--isolation", "chroot", "--quiet", "-f", dockerfile, "-o", $"type=local,dest={output}", context,
        ], env: new Dictionary<string, string> { ["BUILDAH_ISOLATION"] = "chroot" }, timeoutSeconds: 120);
        return BuildContext.ListFiles(Path.Combine(output, "ctx"), DockerIgnore.Empty);
    }

    private static void AssertSameListing(string name, IReadOnlyList<ContextEntry> expected, IReadOnlyList<ContextEntry> actual)
    {
        var missing = expected.Except(actual).Select(e => e.ToString()).ToList();
        var extra = actual.Except(expected).Select(e => e.ToString()).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"{name}: buildah differs from ListFiles\n  listed but not copied: {string.Join(", ", missing)}\n  copied but not listed: {string.Join(", ", extra)}");
        Assert.Equal(expected, actual);
    }
}
