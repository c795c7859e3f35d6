using Distill.Dockerfile;

namespace Distill.Tests.Dockerfile;

public sealed class InstructionTests
{
    private static Stage OnlyStage(string text) => Assert.Single(DockerfileDocument.Load(text).Stages);

    private static T Only<T>(string body) where T : Instruction => Assert.IsType<T>(Assert.Single(OnlyStage("FROM scratch\n" + body).Instructions));

    [Fact]
    public void From_with_platform_and_name()
    {
        var stage = OnlyStage("FROM --platform=$BUILDPLATFORM golang:1.22 AS Build\n");
        Assert.Equal("golang:1.22", stage.From.BaseName);
        Assert.Equal("$BUILDPLATFORM", stage.From.Platform);
        Assert.Equal("build", stage.Name);
    }

    [Fact]
    public void Run_with_mounts_network_and_security()
    {
        var run = Only<RunInstruction>("RUN --mount=type=cache,target=/root/.cache,sharing=locked --mount=type=secret,id=npm,required --network=none --security=insecure make\n");
        Assert.Equal(["make"], run.Command.Arguments);
        Assert.True(run.Command.ShellForm);
        Assert.Equal(2, run.Mounts.Count);
        Assert.Equal(("cache", "/root/.cache", "locked"), (run.Mounts[0].Type, run.Mounts[0].Target, run.Mounts[0].Sharing));
        Assert.Equal(("secret", "npm", true), (run.Mounts[1].Type, run.Mounts[1].Id, run.Mounts[1].Required));
        Assert.Equal("none", run.Network);
        Assert.Equal("insecure", run.Security);
    }

    [Fact]
    public void Exec_and_shell_forms()
    {
        Assert.False(Only<CmdInstruction>("CMD [\"/app\", \"-v\"]\n").Command.ShellForm);
        Assert.Equal(["echo $HOME"], Only<EntrypointInstruction>("ENTRYPOINT echo $HOME\n").Command.Arguments);
        Assert.Equal(["/bin/bash", "-c"], Only<ShellInstruction>("SHELL [\"/bin/bash\", \"-c\"]\n").Shell);
    }

    [Fact]
    public void Env_label_and_arg_pairs()
    {
        var env = Only<EnvInstruction>("ENV A=1 B=\"two words\"\n");
        Assert.Equal([new KeyValue("A", "1", false), new KeyValue("B", "\"two words\"", false)], env.Pairs);
        Assert.True(Only<EnvInstruction>("ENV A 1 2\n").Pairs[0].LegacyForm);
        Assert.Equal("v", Only<LabelInstruction>("LABEL k=v\n").Pairs[0].Value);
        var arg = Only<ArgInstruction>("ARG A B=2\n");
        Assert.Equal([new ArgDeclaration("A", null), new ArgDeclaration("B", "2")], arg.Args);
    }

    [Fact]
    public void Copy_and_add_flags()
    {
        var copy = Only<CopyInstruction>("COPY --from=build --chown=app:app --chmod=0755 --link --parents --exclude=*.md --exclude=tmp a b /dst/\n");
        Assert.Equal(["a", "b"], copy.Sources);
        Assert.Equal("/dst/", copy.Destination);
        Assert.Equal(("build", "app:app", "0755", true, true), (copy.Flags.From, copy.Flags.Chown, copy.Flags.Chmod, copy.Flags.Link, copy.Flags.Parents));
        Assert.Equal(["*.md", "tmp"], copy.Flags.Excludes);
        var add = Only<CopyInstruction>("ADD --checksum=sha256:abc https://example.com/x.tgz /x\n");
        Assert.True(add.IsAdd);
        Assert.Equal("sha256:abc", add.Flags.Checksum);
        Assert.Null(add.Flags.Unpack); // executor decides: local tars are extracted, URLs are not
    }

    [Fact]
    public void Healthcheck_forms()
    {
        Assert.True(Only<HealthcheckInstruction>("HEALTHCHECK NONE\n").None);
        var h = Only<HealthcheckInstruction>("HEALTHCHECK --interval=30s --timeout=1m30s --start-period=5s --start-interval=1s --retries=3 CMD curl -f http://localhost/\n");
        Assert.Equal(("30s", "1m30s", "5s", "1s", 3), (h.Interval, h.Timeout, h.StartPeriod, h.StartInterval, h.Retries));
        Assert.Equal(["curl -f http://localhost/"], h.Test!.Arguments);
    }

    [Fact]
    public void Onbuild_holds_a_typed_trigger()
    {
        var onbuild = Only<OnbuildInstruction>("ONBUILD COPY --from=x . /app\n");
        var trigger = Assert.IsType<CopyInstruction>(onbuild.Trigger);
        Assert.Equal("x", trigger.Flags.From);
    }

    [Fact]
    public void Other_instructions()
    {
        Assert.Equal(["80/tcp", "53/udp"], Only<ExposeInstruction>("EXPOSE 80/tcp 53/udp\n").Ports);
        Assert.Equal("/app", Only<WorkdirInstruction>("WORKDIR /app\n").Path);
        Assert.Equal("65532:65532", Only<UserInstruction>("USER 65532:65532\n").User);
        Assert.Equal(["/data", "/logs"], Only<VolumeInstruction>("VOLUME [\"/data\", \"/logs\"]\n").Paths);
        Assert.Equal("SIGTERM", Only<StopSignalInstruction>("STOPSIGNAL SIGTERM\n").Signal);
        Assert.Equal("me", Only<MaintainerInstruction>("MAINTAINER me\n").Maintainer);
    }

    [Theory]
    [InlineData("FROM a\nFROBNICATE x\n", 2, "unknown instruction: FROBNICATE")]
    [InlineData("FROM a\nCOPPY a b\n", 2, "did you mean COPY?")]
    [InlineData("FROM a\nENV PATH\n", 2, "ENV must have two arguments")]
    [InlineData("FROM a\nSHELL /bin/sh -c\n", 2, "SHELL requires the arguments to be in JSON form")]
    [InlineData("FROM a\nCMD [\"a\", [\"nested\"]]\n", 2, "JSON arrays must contain only strings")]
    [InlineData("FROM a\nRUN <<EOF\necho hi\n", 2, "unterminated heredoc")]
    [InlineData("FROM a\nCOPY --form=x a b\n", 2, "unknown flag: --form")]
    [InlineData("FROM a\nRUN --mount=type=nfs,target=/x make\n", 2, "unsupported mount type")]
    [InlineData("FROM a\nCOPY --chown=a --chown=b x y\n", 2, "duplicate flag specified: --chown")]
    [InlineData("RUN x\nFROM a\n", 1, "only ARG may come before FROM")]
    [InlineData("FROM a AS x\nFROM b AS X\n", 2, "duplicate stage name \"x\"")]
    [InlineData("FROM a AS 1x\n", 1, "invalid name for build stage")]
    [InlineData("FROM a\nHEALTHCHECK --interval=soon CMD x\n", 2, "invalid duration for --interval")]
    [InlineData("FROM a b\n", 1, "FROM requires either one or three arguments")]
    public void Malformed_dockerfiles_fail_with_a_location(string text, int line, string message)
    {
        var e = Assert.Throws<DockerfileSyntaxException>(() => DockerfileDocument.Load(text, "ctx/Dockerfile"));
        Assert.Equal(line, e.Line);
        Assert.StartsWith($"ctx/Dockerfile:{line}:", e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Heredocs_are_read_with_their_bodies()
    {
        var run = Only<RunInstruction>("RUN <<EOF bash\nset -e\necho $HOME\nEOF\n");
        var heredoc = Assert.Single(run.Node.Heredocs);
        Assert.Equal(("EOF", "set -e\necho $HOME\n", true), (heredoc.Name, heredoc.Content, heredoc.Expand));
        var copy = Only<CopyInstruction>("COPY <<-\"A\" <<B /dst/\n\tone\n\tA\ntwo\nB\n");
        Assert.Equal(2, copy.Node.Heredocs.Count);
        Assert.Equal(("A", "\tone\n", false, true), (copy.Node.Heredocs[0].Name, copy.Node.Heredocs[0].Content, copy.Node.Heredocs[0].Expand, copy.Node.Heredocs[0].Chomp));
        Assert.Equal(("B", "two\n"), (copy.Node.Heredocs[1].Name, copy.Node.Heredocs[1].Content));
        Assert.Equal((2, 6), (copy.Range.StartLine, copy.Range.EndLine));
    }

    [Fact]
    public void Empty_continuation_lines_warn()
    {
        var parsed = DockerfileParser.Parse("FROM a\nRUN echo \\\n\n  hi\n");
        var warning = Assert.Single(parsed.Warnings);
        Assert.Equal("NoEmptyContinuation", warning.RuleName);
        Assert.Equal("run \"echo   hi\"", NodeDump.Dump(parsed.Instructions[1]));
    }

    [Fact]
    public void Directives_are_read_only_at_the_top()
    {
        var parsed = DockerfileParser.Parse("# syntax=docker/dockerfile:1\n# check=skip=JSONArgsRecommended\n# escape=`\nFROM a\nRUN echo `\n  hi\n");
        Assert.Equal(["syntax", "check", "escape"], parsed.Directives.Select(d => d.Name));
        Assert.Equal('`', parsed.EscapeToken);
        var late = DockerfileParser.Parse("FROM a\n# escape=`\nRUN echo `\n");
        Assert.Equal('\\', late.EscapeToken);
    }

    [Fact]
    public void Every_node_knows_its_columns()
    {
        var parsed = DockerfileParser.Parse("FROM a\n   RUN echo one \\\n     two\n");
        Assert.Equal(new SourceRange(2, 4, 3, 8), parsed.Instructions[1].Range);
    }
}
