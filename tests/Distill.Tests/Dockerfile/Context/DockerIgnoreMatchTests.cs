using Distill.Dockerfile;

namespace Distill.Tests.Dockerfile.Context;

/// <summary>
/// .dockerignore patterns against paths, from the Dockerfile reference (".dockerignore file") and moby/patternmatcher's
/// documented behaviour. Each case: the file's lines, a context-relative path, whether BuildKit leaves it out.
/// </summary>
public sealed class DockerIgnoreMatchTests
{
    public static TheoryData<string, string, bool> Cases => new()
    {
        // The reference's example file: "# comment", "*/temp*", "*/*/temp*", "temp?"
        { "# comment\n*/temp*", "somedir/temporary.txt", true },
        { "# comment\n*/temp*", "somedir/temp", true },
        { "# comment\n*/temp*", "somedir/temp/inside.txt", true },
        { "# comment\n*/temp*", "temp.txt", false },
        { "# comment\n*/temp*", "a/b/temp.txt", false },
        { "*/*/temp*", "somedir/subdir/temporary.txt", true },
        { "*/*/temp*", "somedir/temporary.txt", false },
        { "*/*/temp*", "a/b/c/temp", false },
        { "temp?", "tempa", true },
        { "temp?", "tempb/file", true },
        { "temp?", "temp", false },
        { "temp?", "tempab", false },
        { "temp?", "dir/tempa", false },
        { "# comment", "# comment", false },
        // ** matches any number of directories, including none
        { "**/*.go", "main.go", true },
        { "**/*.go", "cmd/tool/main.go", true },
        { "**/*.go", "main.go.txt", false },
        { "**/*.go", "go", false },
        { "**", "anything/at/all", true },
        { "docs/**", "docs/a/b.txt", true },
        { "docs/**", "docs", false }, // "docs/**" is a prefix "docs/": the directory itself stays (empty)
        { "docs/**", "docsother", false },
        { "**/foo", "foo", true },
        { "**/foo", "a/b/foo", true },
        { "**/foo", "a/foo/bar.txt", true },
        { "**/foo", "afoo", false },
        { "foo/**/bar", "foo/bar", true },
        { "foo/**/bar", "foo/x/y/bar", true },
        { "foo/**/bar", "foobar", false },
        { "foo/**/bar", "foo/x", false },
        { "a/**/b/*.txt", "a/b/c.txt", true },
        { "a/**/b/*.txt", "a/x/y/b/c.txt", true },
        { "a/**/b/*.txt", "a/x/y/b/c/d.txt", false }, // neither the path nor a parent ends in b/<name>.txt
        // Docker quirks kept: "**" first with no other wildcard is a plain suffix test
        { "**foo", "barfoo", true },
        { "**.go", "dir/x.go", true },
        // exceptions and ordering: the last matching line decides
        { "*.md\n!README.md", "README.md", false },
        { "*.md\n!README.md", "CHANGES.md", true },
        { "*.md\n!README.md", "docs/CHANGES.md", false }, // *.md is top-level only
        { "*.md\n!README*.md\nREADME-secret.md", "README-secret.md", true },
        { "*.md\n!README*.md\nREADME-secret.md", "README-public.md", false },
        { "*.md\nREADME-secret.md\n!README*.md", "README-secret.md", false },
        { "!a.txt\n*.txt", "a.txt", true },
        { "!keep", "keep", false },
        // a directory excludes everything under it; an exception re-includes a nested file
        { "dir", "dir", true },
        { "dir", "dir/sub/file", true },
        { "dir\n!dir/keep.txt", "dir/keep.txt", false },
        { "dir\n!dir/keep.txt", "dir/other.txt", true },
        { "dir\n!dir/keep.txt", "dir", true },
        { "dir\n!dir/sub", "dir/sub/deep/file", false },
        { "*\n!src", "src/main.c", false },
        { "*\n!src", "README", true },
        { "node_modules\n!**/keep.txt", "node_modules/pkg/keep.txt", false },
        // BuildKit evaluates top-down: "!a" was not needed at a, so it is only tried on a/b itself
        { "a/b\n!a", "a/b", true },
        { "a/b\n!a", "a/c", false },
        // cleaning: leading / and ./, trailing /, doubled /, .., surrounding spaces, "! pattern"
        { "/top.txt", "top.txt", true },
        { "/top.txt", "sub/top.txt", false },
        { "./x", "x/y", true },
        { "x/", "x", true },
        { "x/", "x/y", true },
        { "foo//bar", "foo/bar", true },
        { "a/../b", "b", true },
        { "a/../b", "a/b", false },
        { "   spaced.txt   ", "spaced.txt", true },
        { "x\n! x/keep", "x/keep", false },
        { "\uFEFFbom.txt", "bom.txt", true },
        { "crlf.txt\r\nother", "crlf.txt", true },
        { " #notacomment", "#notacomment", true },
        { "#comment", "#comment", false },
        // character classes; negation is ^ only ([!a] is the class of '!' and 'a', as in Go)
        { "file[0-9].txt", "file7.txt", true },
        { "file[0-9].txt", "filex.txt", false },
        { "[^a]bc", "xbc", true },
        { "[^a]bc", "abc", false },
        { "[!a]bc", "abc", true },
        { "[!a]bc", "!bc", true },
        { "[!a]bc", "xbc", false },
        { "[a-cx-z]", "y", true },
        { "[a-cx-z]", "m", false },
        { "[\\]]x", "]x", true },
        // escapes: \c is the character c
        { "\\*.txt", "*.txt", true },
        { "\\*.txt", "a.txt", false },
        { "foo\\?", "foo?", true },
        { "foo\\?", "foox", false },
        { "\\[a\\]", "[a]", true },
        { "\\[a\\]", "a", false },
        // regexp characters in names are literal
        { "a+b.txt", "a+b.txt", true },
        { "a+b.txt", "aab.txt", false },
        { "(x)|{y}$", "(x)|{y}$", true },
        { "a.c", "abc", false },
        { "a^b", "a^b", true }, // no wildcard: compared as a string
        // Docker copies escaped letters into its regexp, so they keep their regexp meaning there
        { "file\\d", "file1", true },
        { "file\\d", "filed", false },
        // patterns that never match a context path
        { "..", "a", false },
        { "../a", "a", false },
        { "/", "a", false },
        { ".", "a", false },
        { "*/", "a", true }, // "*/" is "*"
        { "?", "ab", false },
        { "*", "a/b/c", true },
        // the context root is never excluded
        { "*", ".", false },
        { "**", "", false },
    };

    [Fact]
    public void The_table_is_thorough() => Assert.True(Cases.Count >= 40);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_like_BuildKit(string ignoreFile, string path, bool excluded)
    {
        var ignore = DockerIgnore.Parse(ignoreFile);
        Assert.True(excluded == ignore.IsExcluded(path),
            $"{Show(ignoreFile)} should {(excluded ? "" : "not ")}exclude \"{path}\"");
    }

    [Fact]
    public void Keeps_line_numbers_and_cleaned_text()
    {
        var ignore = DockerIgnore.Parse("# c\n\n  ./a/b/  \n!/c//d\n", "ctx/.dockerignore");
        Assert.Equal("ctx/.dockerignore", ignore.FileName);
        Assert.Collection(ignore.Patterns,
            p => Assert.Equal(("a/b", false, 3), (p.Text, p.IsException, p.Line)),
            p => Assert.Equal(("c/d", true, 4), (p.Text, p.IsException, p.Line)));
        Assert.Equal("!c/d", ignore.Patterns[1].ToString());
        Assert.True(ignore.HasExceptions);
    }

    public static TheoryData<string, int, string> Invalid => new()
    {
        { "ok\n!", 2, "illegal exclusion pattern" },
        { "!/", 1, "illegal exclusion pattern" }, // cleaned twice: "!/" is a lone "!"
        { "a\nb\n[", 3, "syntax error in pattern" },
        { "[a-", 1, "syntax error in pattern" },
        { "[]a]", 1, "syntax error in pattern" },
        { "[^]", 1, "syntax error in pattern" },
        { "foo\\", 1, "syntax error in pattern" },
        { "ok*\n[a-]", 2, "syntax error in pattern" },
        { "*x[", 1, "syntax error in pattern" }, // Go checks the rest of the pattern after a failed match too
        { "[z-a]", 1, "invalid pattern" }, // Go's Match accepts it, Docker's regexp does not
        { "\\y", 1, "invalid escape" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Rejects_what_Docker_rejects_with_file_and_line(string ignoreFile, int line, string reason)
    {
        var e = Assert.Throws<DockerIgnoreException>(() => DockerIgnore.Parse(ignoreFile, "build/.dockerignore"));
        Assert.Equal("build/.dockerignore", e.File);
        Assert.Equal(line, e.Line);
        Assert.StartsWith($"build/.dockerignore:{line}: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_file_excludes_nothing()
    {
        var ignore = DockerIgnore.Parse("\n# only comments\n\n   \n");
        Assert.Empty(ignore.Patterns);
        Assert.False(ignore.IsExcluded("anything"));
        Assert.False(DockerIgnore.Empty.IsExcluded("x"));
    }

    [Theory]
    [InlineData("node_modules\n!src/keep", "node_modules", true)]
    [InlineData("node_modules\n!node_modules/a/keep", "node_modules", false)]
    [InlineData("node_modules\n!node_modules/a/keep", "node_modules/b", true)]
    [InlineData("node_modules\n!**/keep", "node_modules", false)]
    [InlineData("a\n!a/b/*.txt", "a", false)]
    [InlineData("a\n!a/b/*.txt", "a/c", true)]
    [InlineData("a\n!a/b/*.txt", "a/b", false)]
    [InlineData("a\n!x*/keep", "a", true)]
    [InlineData("a\n!a*/keep", "a", false)]
    [InlineData("a\n!a", "a/b", true)]
    [InlineData("build", "build", true)]
    public void Skips_an_excluded_directory_only_when_no_exception_reaches_inside(string ignoreFile, string dir, bool canSkip) =>
        Assert.Equal(canSkip, DockerIgnore.Parse(ignoreFile).CanSkipExcludedDirectory(dir));

    [Theory]
    [InlineData("*.md", "README.md", true)]
    [InlineData("*.md", "./README.md", true)]
    [InlineData("*.md", "docs/README.md", false)]
    [InlineData("*.md", "*.md", true)] // BuildKit compares the text, wildcards and all
    [InlineData("secrets", "secrets/key.pem", true)]
    [InlineData("secrets\n!secrets/public.pem", "secrets/key.pem", false)] // no check when there are exceptions
    [InlineData("", "anything", false)]
    public void CopyIgnoredFile_compares_the_source_text(string ignoreFile, string source, bool ignored) =>
        Assert.Equal(ignored, DockerIgnore.Parse(ignoreFile).MatchesCopySourceText(source));

    private static string Show(string text) => "\"" + text.Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal) + "\"";
}
