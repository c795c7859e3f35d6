using Distill.Dockerfile;
using Distill.Tests.Support;

namespace Distill.Tests.Dockerfile;

/// <summary>BuildKit's own parser test data (../shared/conformance/buildkit-dockerfile): dumps must be equal.</summary>
public sealed class ParserConformanceTests
{
    private static string Data => Path.Combine(Repo.Shared, "conformance", "buildkit-dockerfile");

    public static TheoryData<string> Positive => new(Directory.GetDirectories(Path.Combine(Data, "testfiles")).Select(Path.GetFileName).Order()!);

    public static TheoryData<string> Negative => new(Directory.GetDirectories(Path.Combine(Data, "testfiles-negative")).Select(Path.GetFileName).Order()!);

    [Fact]
    public void There_are_33_positive_and_4_negative_cases()
    {
        Assert.Equal(33, Positive.Count);
        Assert.Equal(4, Negative.Count);
    }

    [Theory]
    [MemberData(nameof(Positive))]
    public void Parses_like_buildkit(string name)
    {
        var dir = Path.Combine(Data, "testfiles", name);
        var result = DockerfileParser.Parse(File.ReadAllText(Path.Combine(dir, "Dockerfile")), Path.Combine(dir, "Dockerfile"));
        Assert.Equal(File.ReadAllText(Path.Combine(dir, "result")), NodeDump.Dump(result));
    }

    [Theory]
    [MemberData(nameof(Negative))]
    public void Rejects_like_buildkit(string name)
    {
        var file = Path.Combine(Data, "testfiles-negative", name, "Dockerfile");
        var e = Assert.Throws<DockerfileSyntaxException>(() => DockerfileParser.Parse(File.ReadAllText(file), file));
        Assert.StartsWith(file + ":", e.Message, StringComparison.Ordinal);
        Assert.True(e.Line >= 1);
    }

    [Fact]
    public void Instruction_line_spans_match()
    {
        var file = Path.Combine(Data, "testfile-line", "Dockerfile");
        var result = DockerfileParser.Parse(File.ReadAllText(file), file);
        Assert.Equal([(5, 5), (11, 12), (17, 31)], result.Instructions.Select(n => (n.Range.StartLine, n.Range.EndLine)).ToArray());
    }
}
