using Distill.Dockerfile;
using Distill.Tests.Support;

namespace Distill.Tests.Dockerfile;

public sealed class StageGraphTests
{
    /// <summary>The seed's recipe, as examples/calculator-go ships it verbatim.</summary>
    private static string Seed => File.ReadAllText(Path.Combine(Repo.Root, "examples", "calculator-go", "Dockerfile"));

    private static StageGraph Graph(string text, string? target = null, Dictionary<string, string>? args = null) =>
        StageGraph.Build(DockerfileDocument.Load(text), new BuildArgs { Values = args ?? [] }, target);

    [Fact]
    public void The_seed_recipe_needs_both_stages_in_order()
    {
        var graph = Graph(Seed);
        Assert.Equal(["build", "1"], graph.Stages.Select(s => s.Stage.DisplayName));
        Assert.Equal("ubuntu", graph.Stages[0].BaseImage);
        Assert.Equal("scratch", graph.Stages[1].BaseImage);
        Assert.Equal("build", Assert.Single(graph.Stages[1].Dependencies).Stage.Name);
    }

    [Fact]
    public void Target_prunes_to_what_it_needs_and_unused_stages_are_dropped()
    {
        const string text = "FROM a AS base\nFROM base AS deps\nFROM b AS unused\nFROM base AS test\nCOPY --from=deps /x /x\nFROM c AS final\nCOPY --from=0 /y /y\n";
        Assert.Equal(["base", "deps", "test"], Graph(text, "test").Stages.Select(s => s.Stage.Name));
        Assert.Equal(["base", "final"], Graph(text).Stages.Select(s => s.Stage.Name));
        Assert.Equal(["base", "deps", "test"], Graph(text, "TEST").Stages.Select(s => s.Stage.Name));
    }

    [Fact]
    public void From_an_earlier_stage_by_name_is_case_insensitive()
    {
        var graph = Graph("FROM alpine AS Base\nFROM BASE\n");
        Assert.Null(graph.Stages[1].BaseImage);
        Assert.Equal("base", graph.Stages[1].Dependencies[0].Stage.Name);
    }

    [Fact]
    public void Global_args_expand_in_from_and_build_args_override()
    {
        const string text = "ARG REPO=docker.io/library\nARG TAG=3.20\nFROM ${REPO}/alpine:${TAG} AS a\nFROM --platform=$BUILDPLATFORM golang:${GO:-1.22}\n";
        var graph = Graph(text, "a");
        Assert.Equal("docker.io/library/alpine:3.20", graph.Stages[0].BaseImage);
        Assert.Equal("docker.io/library/alpine:3.21", Graph(text, "a", new() { ["TAG"] = "3.21" }).Stages[0].BaseImage);
        var last = Graph(text).Stages.Single();
        Assert.Equal(("golang:1.22", "linux/amd64"), (last.BaseImage, last.Platform));
    }

    [Fact]
    public void Copy_from_an_image_is_an_image_dependency()
    {
        var graph = Graph("FROM scratch\nCOPY --from=busybox:1.36 /bin/busybox /busybox\n");
        Assert.Equal("busybox:1.36", Assert.Single(graph.Stages[0].ImageDependencies).Image);
    }

    [Fact]
    public void Run_mount_from_a_stage_is_a_dependency()
    {
        var graph = Graph("FROM a AS tools\nFROM b\nRUN --mount=type=bind,from=tools,target=/t /t/run\n");
        Assert.Equal(["tools", "1"], graph.Stages.Select(s => s.Stage.DisplayName));
    }

    [Theory]
    [InlineData("FROM a AS x\nCOPY --from=y /a /a\nFROM b AS y\nCOPY --from=x /b /b\n", "circular dependency detected on stage")]
    [InlineData("FROM a AS x\nCOPY --from=x /a /a\n", "circular dependency detected on stage: x")]
    [InlineData("FROM a\nFROM b\nCOPY --from=5 /a /a\n", "--from=5 does not name an earlier stage")]
    [InlineData("FROM a\nCOPY --from=Not_An-Image! /a /a\n", "names no stage")]
    [InlineData("FROM ${MISSING}\n", "base name (${MISSING}) should not be blank")]
    public void Bad_graphs_fail_with_a_location(string text, string message)
    {
        var e = Assert.Throws<DockerfileSyntaxException>(() => Graph(text));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Matches(@"^Dockerfile:\d+:\d+: ", e.Message);
    }

    [Fact]
    public void Unknown_target_lists_the_stages()
    {
        var e = Assert.Throws<DockerfileSyntaxException>(() => Graph(Seed, "nope"));
        Assert.Contains("target stage \"nope\" could not be found (stages: build, 1)", e.Message, StringComparison.Ordinal);
    }
}
