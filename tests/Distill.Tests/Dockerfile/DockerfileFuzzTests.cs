using System.Diagnostics;
using CsCheck;
using Distill.Dockerfile;
using Distill.Tests.Support;

namespace Distill.Tests.Dockerfile;

/// <summary>
/// Random and mutated Dockerfiles, for a bounded time: the frontend never crashes and never hangs; every failure is a
/// <see cref="DockerfileSyntaxException"/> with a line and column inside the file.
/// </summary>
public sealed class DockerfileFuzzTests
{
    private static readonly string[] Fragments =
    [
        "FROM ", "AS ", "RUN ", "COPY ", "ADD ", "ENV ", "ARG ", "LABEL ", "CMD ", "ENTRYPOINT ", "SHELL ", "ONBUILD ",
        "HEALTHCHECK ", "WORKDIR ", "USER ", "VOLUME ", "EXPOSE ", "STOPSIGNAL ", "MAINTAINER ", "--from=", "--mount=type=cache,target=",
        "--chown=", "--platform=", "<<EOF", "<<-'X'", "EOF", "X", "${A:-b}", "$B", "${C%%*}", "${D/x/y}", "[\"a\", \"b\"]", "[", "]",
        "\"", "'", "\\", "`", "=", " ", "\t", "\n", "\n", "\n", "\\\n", "# escape=`\n", "# comment\n", "a", "b/c", "0", "1", "scratch",
    ];

    private static readonly Gen<string> RandomDockerfile =
        Gen.OneOfConst(Fragments).Array[0, 60].Select(parts => string.Concat(parts));

    [Fact]
    public void Random_dockerfiles_never_crash_or_hang() =>
        RandomDockerfile.Sample(CheckFrontEnd, iter: 4000, time: 5);

    [Fact]
    public void Mutated_conformance_dockerfiles_never_crash_or_hang()
    {
        var sources = Directory.GetDirectories(Path.Combine(Repo.Shared, "conformance", "buildkit-dockerfile", "testfiles"))
            .Select(d => File.ReadAllText(Path.Combine(d, "Dockerfile"))).ToArray();
        var mutated =
            from source in Gen.OneOfConst(sources)
            from edits in Gen.Select(Gen.Int[0, 10_000], Gen.Int[0, 4], Gen.OneOfConst(Fragments)).Array[1, 8]
            select Mutate(source, edits);
        mutated.Sample(CheckFrontEnd, iter: 4000, time: 5);
    }

    private static string Mutate(string source, (int Position, int Kind, string Fragment)[] edits)
    {
        var text = source;
        foreach (var (position, kind, fragment) in edits)
        {
            var at = text.Length == 0 ? 0 : position % text.Length;
            text = kind switch
            {
                0 => text.Remove(at, Math.Min(3, text.Length - at)),
                1 => text.Insert(at, fragment),
                2 => text[..at],
                3 => text.Insert(at, text[at..Math.Min(text.Length, at + 20)]),
                _ => text.Insert(at, "\n"),
            };
        }
        return text;
    }

    private static void CheckFrontEnd(string text)
    {
        var lineCount = text.Split('\n').Length;
        var watch = Stopwatch.StartNew();
        try
        {
            var document = DockerfileDocument.Load(text);
            StageGraph.Build(document, new BuildArgs());
            foreach (var stage in document.Stages)
            {
                foreach (var word in stage.Instructions.OfType<RunInstruction>().SelectMany(r => r.Command.Arguments))
                {
                    try
                    {
                        new ShellLex().ProcessWords(word, _ => "x y");
                    }
                    catch (ShellExpansionException)
                    {
                    }
                }
            }
        }
        catch (DockerfileSyntaxException e)
        {
            Assert.InRange(e.Line, 1, Math.Max(1, lineCount));
            Assert.True(e.Column >= 1, e.Message);
            Assert.Matches(@"^Dockerfile:\d+:\d+: \S", e.Message);
        }
        Assert.True(watch.ElapsedMilliseconds < 2000, $"took {watch.ElapsedMilliseconds} ms on:\n{text}");
    }
}
