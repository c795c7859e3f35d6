namespace Distill.Tests.Build.Differential;

public sealed class ListingDiffTests
{
    [Fact]
    public void Equal_listings_have_no_diff() =>
        Assert.Null(ListingDiff.Unified(["/a\tdir", "/b\tfile"], ["/a\tdir", "/b\tfile"], "x", "y"));

    [Fact]
    public void Lines_are_matched_by_key_with_context()
    {
        string[] expected = ["/a\t1", "/b\t1", "/c\t1", "/d\t1", "/e\t1", "/f\t1", "/g\t1", "/h\t1", "/i\t1"];
        string[] actual = ["/a\t1", "/b\t1", "/c\t2", "/d\t1", "/e\t1", "/f\t1", "/g\t1", "/h\t1", "/i\t1", "/j\t1"];
        var diff = ListingDiff.Unified(expected, actual, "BuildKit", "distill");
        Assert.Equal("""
            --- BuildKit
            +++ distill
            @@ /c @@
             /a 1
             /b 1
            -/c 1
            +/c 2
             /d 1
             /e 1
            @@ /j @@
             /h 1
             /i 1
            +/j 1

            """.ReplaceLineEndings("\n"), diff?.ReplaceLineEndings("\n"));
    }
}
