using CsCheck;
using Distill.Dockerfile;
using Distill.Tests.Support;

namespace Distill.Tests.Dockerfile.Context;

public sealed class BuildContextTests
{
    /// <summary>A context with the usual suspects, plus an empty directory and a symlink.</summary>
    private static TempDir Tree()
    {
        var dir = new TempDir();
        foreach (var f in new[]
        {
            "Dockerfile", "README.md", "CHANGES.md", "main.go", "go.mod",
            "cmd/tool/main.go", "cmd/tool/main_test.go", "docs/guide.md", "docs/img/logo.png",
            "node_modules/left-pad/index.js", "node_modules/left-pad/LICENSE", "node_modules/.bin/tool",
            "build/out.bin", "build/keep/me.txt", "secrets/key.pem", "secrets/public.pem", ".git/HEAD", ".git/objects/ab/cd",
        })
            dir.Write(f, f);
        Directory.CreateDirectory(dir["empty"]);
        File.CreateSymbolicLink(dir["link-to-docs"], "docs");
        return dir;
    }

    private static string Listing(IReadOnlyList<ContextEntry> entries) => string.Join("\n", entries.Select(e => e.ToString()));

    [Fact]
    public void Lists_everything_without_an_ignore_file()
    {
        using var dir = Tree();
        var entries = BuildContext.ListFiles(dir.Path, DockerIgnore.Load(dir.Path, null));
        // TempDir.Files() follows the symlink; the context does not
        var onDisk = dir.Files().Where(f => !f.StartsWith("link-to-docs/", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        Assert.Equal(onDisk, entries.Select(e => e.Path));
        Assert.Contains(new ContextEntry("link-to-docs", ContextEntryKind.Symlink), entries);
        Assert.Contains(new ContextEntry("empty", ContextEntryKind.Directory), entries);
        Assert.Contains(new ContextEntry("docs/guide.md", ContextEntryKind.File), entries);
        Assert.DoesNotContain(entries, e => e.Path.StartsWith("link-to-docs/", StringComparison.Ordinal));
    }

    [Fact]
    public void Applies_the_context_dockerignore_exactly()
    {
        using var dir = Tree();
        dir.Write(".dockerignore", """
            # VCS and dependencies
            .git
            node_modules
            !node_modules/left-pad/LICENSE
            *.md
            !README.md
            build/
            !build/keep
            **/*_test.go
            secrets
            !secrets/public.pem
            secrets/public.pem
            .dockerignore
            Dockerfile
            """);
        var ignore = DockerIgnore.Load(dir.Path, null);
        Assert.Equal(Path.Combine(dir.Path, ".dockerignore"), ignore.FileName);
        var expected = """
            README.md
            build/
            build/keep/
            build/keep/me.txt
            cmd/
            cmd/tool/
            cmd/tool/main.go
            docs/
            docs/guide.md
            docs/img/
            docs/img/logo.png
            empty/
            go.mod
            link-to-docs
            main.go
            node_modules/
            node_modules/left-pad/
            node_modules/left-pad/LICENSE
            """;
        Assert.Equal(expected.ReplaceLineEndings("\n"), Listing(BuildContext.ListFiles(dir.Path, ignore)));
    }

    [Fact]
    public void A_Dockerfile_specific_ignore_file_replaces_the_context_one()
    {
        using var dir = Tree();
        dir.Write(".dockerignore", "docs\n");
        dir.Write("build/app.Dockerfile", "FROM scratch\n");
        dir.Write("build/app.Dockerfile.dockerignore", "*\n!cmd\n!go.mod\n");
        var ignore = DockerIgnore.Load(dir.Path, dir["build/app.Dockerfile"]);
        Assert.Equal(dir["build/app.Dockerfile.dockerignore"], ignore.FileName);
        Assert.Equal("cmd/\ncmd/tool/\ncmd/tool/main.go\ncmd/tool/main_test.go\ngo.mod", Listing(BuildContext.ListFiles(dir.Path, ignore)));

        // without it, the context's file applies
        File.Delete(dir["build/app.Dockerfile.dockerignore"]);
        var general = DockerIgnore.Load(dir.Path, dir["build/app.Dockerfile"]);
        Assert.Equal(Path.Combine(dir.Path, ".dockerignore"), general.FileName);
        Assert.DoesNotContain(BuildContext.ListFiles(dir.Path, general), e => e.Path.StartsWith("docs", StringComparison.Ordinal));
    }

    [Fact]
    public void The_default_Dockerfile_has_its_own_ignore_file_too()
    {
        using var dir = Tree();
        dir.Write(".dockerignore", "docs\n");
        dir.Write("Dockerfile.dockerignore", "cmd\n");
        var ignore = DockerIgnore.Load(dir.Path, null);
        Assert.True(ignore.IsExcluded("cmd/tool/main.go"));
        Assert.False(ignore.IsExcluded("docs/guide.md"));
    }

    [Fact]
    public void A_Dockerfile_outside_the_context_can_bring_its_ignore_file()
    {
        using var dir = Tree();
        using var elsewhere = new TempDir();
        elsewhere.Write("Dockerfile", "FROM scratch\n");
        elsewhere.Write("Dockerfile.dockerignore", "secrets\n");
        var ignore = DockerIgnore.Load(dir.Path, elsewhere["Dockerfile"]);
        Assert.True(ignore.IsExcluded("secrets/key.pem"));
        Assert.Same(DockerIgnore.Empty, DockerIgnore.Load(elsewhere["Dockerfile"] + ".nothing-here", null));
    }

    [Fact]
    public void Load_reports_the_file_and_line_of_a_bad_pattern()
    {
        using var dir = Tree();
        dir.Write(".dockerignore", "ok\n\n[oops\n");
        var e = Assert.Throws<DockerIgnoreException>(() => DockerIgnore.Load(dir.Path, null));
        Assert.Equal($"{Path.Combine(dir.Path, ".dockerignore")}:3: syntax error in pattern: [oops", e.Message);
    }

    [Fact]
    public void Wildcard_exceptions_reach_into_excluded_directories()
    {
        using var dir = Tree();
        dir.Write(".dockerignore", "node_modules\nbuild\n!**/LICENSE\n!**/*.txt\n");
        Assert.Equal("build/\nbuild/keep/\nbuild/keep/me.txt\nnode_modules/\nnode_modules/left-pad/\nnode_modules/left-pad/LICENSE",
            Listing(BuildContext.ListFiles(dir.Path, DockerIgnore.Load(dir.Path, null))
                .Where(e => e.Path.StartsWith("node_modules", StringComparison.Ordinal) || e.Path.StartsWith("build", StringComparison.Ordinal)).ToList()));
    }

    [Fact]
    public void Lists_what_evaluating_every_path_says_for_random_ignore_files()
    {
        using var dir = Tree();
        var all = BuildContext.ListFiles(dir.Path, DockerIgnore.Empty);
        var pool = new[]
        {
            "*", "**", "*.md", "**/*.go", "docs", "docs/**", "node_modules", "node_modules/*", "build", "build/keep", "*/tool",
            "cmd/**/main.go", ".git", "secrets/*.pem", "**/LICENSE", "**/keep", "?o.mod", "[a-m]*", "empty", "link-to-docs", "*/*/*",
        };
        Gen.Select(Gen.OneOfConst(pool), Gen.Bool).Array[0, 7].Sample(lines =>
        {
            var text = string.Join("\n", lines.Select(l => (l.Item2 ? "!" : "") + l.Item1));
            var ignore = DockerIgnore.Parse(text);
            var kept = new HashSet<string>(all.Where(e => !ignore.IsExcluded(e.Path)).Select(e => e.Path));
            foreach (var path in kept.ToList())
            {
                for (var slash = path.IndexOf('/'); slash > 0; slash = path.IndexOf('/', slash + 1))
                    kept.Add(path[..slash]);
            }
            var expected = kept.Order(StringComparer.Ordinal).ToList();
            var actual = BuildContext.ListFiles(dir.Path, ignore).Select(e => e.Path).ToList();
            Assert.True(expected.SequenceEqual(actual), $"{text.Replace("\n", " | ", StringComparison.Ordinal)}\nexpected: {string.Join(' ', expected)}\nactual:   {string.Join(' ', actual)}");
        }, iter: 400);
    }

    [Theory]
    [InlineData("*.md", "CHANGES.md README.md")]
    [InlineData("/docs/*.md", "docs/guide.md")]
    [InlineData("./cmd/*/main*.go", "cmd/tool/main.go cmd/tool/main_test.go")]
    [InlineData("docs", "docs")]
    [InlineData("d?cs", "docs")]
    [InlineData("*/img", "docs/img")]
    [InlineData("nothing*", "")]
    [InlineData("missing.txt", "")]
    [InlineData("[a-c]*", "build cmd")]
    [InlineData("secrets/[^k]*", "secrets/public.pem")]
    public void Resolves_COPY_sources_like_BuildKit(string source, string expected)
    {
        using var dir = Tree();
        Assert.Equal(expected, string.Join(' ', BuildContext.ResolveCopySource(dir.Path, source)));
    }

    [Theory]
    [InlineData("*.md", "*.md", true)]
    [InlineData("*.md\n!README.md", "*.md", false)] // README.md is still there
    [InlineData("*.md\n!README.md", "CHANGES.md", true)]
    [InlineData("secrets\n!secrets/public.pem", "secrets/key.pem", true)]
    [InlineData("secrets\n!secrets/public.pem", "secrets/*.pem", false)]
    [InlineData("secrets\n!secrets/public.pem", "secrets", false)] // excluded, but sent as the parent of public.pem
    [InlineData("secrets\n!secrets/public.pem\nsecrets/public.pem", "secrets", true)]
    [InlineData("docs", "docs/img/logo.png", true)]
    [InlineData("docs", "missing.txt", false)] // no file: nothing to warn about here
    [InlineData("docs", ".", false)]
    [InlineData("", "docs", false)]
    public void Tells_whether_every_file_a_COPY_source_names_is_ignored(string ignoreFile, string source, bool ignored)
    {
        using var dir = Tree();
        Assert.Equal(ignored, BuildContext.IsCopySourceIgnored(dir.Path, DockerIgnore.Parse(ignoreFile), source));
    }

    [Fact]
    public void Rejects_a_malformed_COPY_pattern()
    {
        using var dir = Tree();
        Assert.Throws<ArgumentException>(() => BuildContext.ResolveCopySource(dir.Path, "docs/[x"));
    }
}
