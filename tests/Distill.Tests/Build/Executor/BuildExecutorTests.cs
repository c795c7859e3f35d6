using Distill.Build;
using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Build.Executor;

/// <summary>The executor against the real thing: runc, overlayfs snapshots, the debootstrap Debian base.</summary>
public sealed class BuildExecutorTests(BuildWorld world) : IClassFixture<BuildWorld>
{
    [Fact]
    public async Task Run_steps_see_env_args_workdir_and_user_and_their_changes_become_layers_with_whiteouts()
    {
        var context = world.Context("""
            FROM debian:bookworm
            ARG GREETING=hello
            ENV NAME=world
            WORKDIR /work
            RUN echo "$GREETING $NAME from $(pwd)" > greeting && rm -rf /usr/share/doc
            RUN ln -s greeting link && mkdir d && ln greeting d/hard && chmod 4755 d
            USER nobody
            RUN id -un > /tmp/who
            """);
        var built = await world.BuildAsync(context, o => o with { BuildArgs = new Dictionary<string, string> { ["GREETING"] = "hi" } });
        var files = await BuildWorld.FilesAsync(built.Image);
        Assert.Equal("hi world from /work\n", files["work/greeting"].Content);
        Assert.Equal((TarEntryKind.Symlink, "greeting"), (files["work/link"].Kind, files["work/link"].Content));
        Assert.Equal(0x9ed, files["work/d"].Mode); // 04755
        Assert.Equal("nobody\n", files["tmp/who"].Content);
        Assert.Equal(65534, files["tmp/who"].Uid);
        Assert.DoesNotContain(files.Keys, k => k == "usr/share/doc" || k.StartsWith("usr/share/doc/", StringComparison.Ordinal));
        var base1 = world.Store.Read(ImageName.Parse("debian:bookworm"), Platform.LinuxAmd64);
        Assert.Equal(base1.Layers.Count + 3, built.Image.Layers.Count);
        var first = await BuildWorld.LayerEntriesAsync(built.Image.Layers[base1.Layers.Count]);
        Assert.Contains(first, e => e.Name == "usr/share/.wh.doc");
        Assert.DoesNotContain(first, e => e.Name == "etc"); // the resolv.conf mount point leaves no trace
        Assert.All(first, e => Assert.Equal(0, e.ModTime));
        var hard = (await BuildWorld.LayerEntriesAsync(built.Image.Layers[^2])).Single(e => e.Name is "work/d/hard" or "work/greeting" && e.Kind == TarEntryKind.Hardlink);
        Assert.NotNull(hard);
        var config = built.Image.Config;
        Assert.Equal("/work", config.Config!.WorkingDir);
        Assert.Equal("nobody", config.Config.User);
        Assert.Contains("NAME=world", config.Config.Env!);
        Assert.DoesNotContain(config.Config.Env!, e => e.StartsWith("GREETING", StringComparison.Ordinal)); // ARGs are not kept
        Assert.Equal(3, built.StepsRun);
        Assert.Equal(base1.Config.History!.Count + 6, config.History!.Count);
        Assert.Equal(3, config.History!.Skip(base1.Config.History!.Count).Count(h => h.EmptyLayer != true));
    }

    [Fact]
    public async Task A_rebuild_with_nothing_changed_runs_nothing_and_a_changed_file_reruns_from_its_copy()
    {
        var context = world.Context("""
            FROM debian:bookworm
            RUN echo one > /one
            COPY a.txt /a.txt
            RUN cat /a.txt > /copied
            """, ("a.txt", "first\n"));
        var cold = await world.BuildAsync(context);
        Assert.Equal((3, 0), (cold.StepsRun, cold.StepsCached));
        var warm = await world.BuildAsync(context);
        Assert.Equal((0, 3), (warm.StepsRun, warm.StepsCached));
        Assert.Equal(cold.Image.ManifestDescriptor.Digest, warm.Image.ManifestDescriptor.Digest);
        File.WriteAllText(Path.Combine(context, "a.txt"), "second\n");
        var changed = await world.BuildAsync(context);
        Assert.Equal((2, 1), (changed.StepsRun, changed.StepsCached));
        Assert.Equal("second\n", (await BuildWorld.FilesAsync(changed.Image))["copied"].Content);
        var noCache = await world.BuildAsync(context, o => o with { NoCache = true });
        Assert.Equal((3, 0), (noCache.StepsRun, noCache.StepsCached));
        Assert.Equal(changed.Image.ManifestDescriptor.Digest, noCache.Image.ManifestDescriptor.Digest);
    }

    [Fact]
    public async Task A_failing_run_names_the_step_and_exit_code_and_keeps_the_output_tail()
    {
        var context = world.Context("""
            FROM debian:bookworm
            RUN seq -f 'line %g' 1 30; sleep 0.2; echo oops >&2; exit 3
            """);
        var progress = new RecordingProgress();
        var e = await Assert.ThrowsAsync<BuildException>(() => world.BuildAsync(context, progress: progress));
        Assert.Contains("Dockerfile:2", e.Message, StringComparison.Ordinal);
        Assert.Contains("exit code: 3", e.Message, StringComparison.Ordinal);
        Assert.Contains("[stage-0 2/2]", e.Message, StringComparison.Ordinal);
        Assert.Equal(20, e.OutputTail.Count);
        // runc copies the container's stdout and stderr through two pipes (as under BuildKit), so lines of the two
        // streams written at the same moment may swap; the pause keeps this test's order certain
        Assert.True(e.OutputTail[^1] == "oops", string.Join(" | ", e.OutputTail) + "\n" + string.Join("\n", progress.Events));
        Assert.Equal("line 30", e.OutputTail[^2]);
        Assert.Contains(progress.Events, x => x.Event == "failed");
        Assert.Empty(Mounts.Below(world.Temp.Path));
        Assert.DoesNotContain(Directory.GetDirectories(Path.Combine(world.Store.Root, "build", "tmp")), d => Path.GetFileName(d).StartsWith(Environment.ProcessId + "-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Secrets_reach_run_but_never_a_layer_and_cache_mounts_persist_outside_the_image()
    {
        using var temp = new TempDir();
        var secretFile = temp.Write("token", "s3cr3t-value");
        var context = world.Context("""
            FROM debian:bookworm
            RUN --mount=type=secret,id=token wc -c < /run/secrets/token > /tmp/len
            RUN --mount=type=secret,id=token,env=TOKEN test "$TOKEN" = s3cr3t-value && echo ok > /tmp/env-ok
            RUN --mount=type=cache,target=/var/cache/thing echo run >> /var/cache/thing/count && wc -l < /var/cache/thing/count > /tmp/cache-count
            RUN --mount=type=tmpfs,target=/scratch touch /scratch/x && ls /scratch > /tmp/scratch
            """);
        var secrets = new Dictionary<string, BuildSecret> { ["token"] = new(secretFile, null) };
        var built = await world.BuildAsync(context, o => o with { Secrets = secrets });
        var files = await BuildWorld.FilesAsync(built.Image);
        Assert.Equal("12\n", files["tmp/len"].Content);
        Assert.Equal("ok\n", files["tmp/env-ok"].Content);
        Assert.Equal("1\n", files["tmp/cache-count"].Content);
        Assert.Equal("x\n", files["tmp/scratch"].Content);
        Assert.False(files.ContainsKey("run/secrets/token"));
        Assert.False(files.ContainsKey("var/cache/thing/count"));
        Assert.False(files.ContainsKey("scratch/x"));
        foreach (var layer in built.Image.Layers.Skip(1))
        {
            await using var stream = await layer.OpenUncompressedAsync(TestContext.Current.CancellationToken);
            using var reader = new StreamReader(stream);
            Assert.DoesNotContain("s3cr3t-value", await reader.ReadToEndAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }
        // the cache mount outlives the build: a rebuild without the cache of steps counts 2
        var again = await world.BuildAsync(context, o => o with { Secrets = secrets, NoCache = true });
        Assert.Equal("2\n", (await BuildWorld.FilesAsync(again.Image))["tmp/cache-count"].Content);
        // a different secret value does not change the cache key
        File.WriteAllText(secretFile, "another-val!");
        var warm = await world.BuildAsync(context, o => o with { Secrets = secrets });
        Assert.Equal(0, warm.StepsRun);
    }

    [Fact]
    public async Task Heredocs_shell_network_none_and_exec_form_run_as_buildkit_runs_them()
    {
        var context = world.Context("""
            FROM debian:bookworm
            RUN <<EOF
            echo plain > /tmp/plain
            echo "$0" > /tmp/shell
            EOF
            RUN <<EOF
            #!/bin/bash
            echo "bash $BASH_VERSION" | cut -c1-4 > /tmp/script
            EOF
            RUN cat <<EOT > /tmp/inline
            inline text
            EOT
            SHELL ["/bin/bash", "-c"]
            RUN echo "$0" > /tmp/shell2
            RUN ["/bin/sh", "-c", "echo exec > /tmp/exec"]
            RUN --network=none ls /sys/class/net > /tmp/net
            """);
        var files = await BuildWorld.FilesAsync((await world.BuildAsync(context)).Image);
        Assert.Equal("plain\n", files["tmp/plain"].Content);
        Assert.Equal("/bin/sh\n", files["tmp/shell"].Content);
        Assert.Equal("bash\n", files["tmp/script"].Content);
        Assert.Equal("inline text\n", files["tmp/inline"].Content);
        Assert.Equal("/bin/bash\n", files["tmp/shell2"].Content);
        Assert.Equal("exec\n", files["tmp/exec"].Content);
        Assert.Equal("lo\n", files["tmp/net"].Content);
        Assert.False(files.ContainsKey("dev/pipes"));
    }

    [Fact]
    public async Task Independent_stages_run_at_the_same_time_and_the_target_takes_from_both()
    {
        var context = world.Context("""
            FROM debian:bookworm AS left
            RUN sleep 1 && echo left > /left
            FROM debian:bookworm AS right
            RUN sleep 1 && echo right > /right
            FROM debian:bookworm AS unused
            RUN exit 1
            FROM scratch
            COPY --from=left /left /
            COPY --from=right /right /
            """);
        var progress = new RecordingProgress();
        var built = await world.BuildAsync(context, progress: progress);
        var files = await BuildWorld.FilesAsync(built.Image);
        Assert.Equal(["left", "right"], files.Keys.Order(StringComparer.Ordinal));
        var events = progress.Events;
        int Index(string kind, string stage) => events.ToList().FindIndex(e => e.Event == kind && e.Step?.Stage == stage && e.Step.Text.StartsWith("RUN", StringComparison.Ordinal));
        // both RUNs started before either finished
        Assert.True(Index("started", "left") < Index("done", "right") && Index("started", "right") < Index("done", "left"), string.Join('\n', events));
        Assert.DoesNotContain(events, e => e.Step?.Stage == "unused");
        Assert.Equal(2, built.Image.Layers.Count);
    }

    [Fact]
    public async Task Metadata_instructions_set_the_config_as_docker_does()
    {
        var context = world.Context("""
            FROM scratch
            ENV A=1 B="two words"
            ENV C=${A}-${B:-x}
            LABEL org.example.name="demo" version=$A
            EXPOSE 80 53/udp
            VOLUME ["/data"]
            STOPSIGNAL SIGTERM
            HEALTHCHECK --interval=5s --retries=2 CMD ["/app", "health"]
            CMD ["serve"]
            ENTRYPOINT ["/app"]
            USER 1000:1000
            WORKDIR /srv
            WORKDIR sub
            """);
        var built = await world.BuildAsync(context);
        var c = built.Image.Config.Config!;
        Assert.Equal(["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "A=1", "B=two words", "C=1-two words"], c.Env);
        Assert.Equal("demo", c.Labels!["org.example.name"]);
        Assert.Equal("1", c.Labels!["version"]);
        Assert.Equal(["53/udp", "80/tcp"], c.ExposedPorts!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["/data"], c.Volumes!.Keys);
        Assert.Equal("SIGTERM", c.StopSignal);
        Assert.Equal(["serve"], c.Cmd); // set in this stage before ENTRYPOINT, so ENTRYPOINT keeps it (as docker does)
        Assert.Equal(["/app"], c.Entrypoint);
        Assert.Equal("1000:1000", c.User);
        Assert.Equal("/srv/sub", c.WorkingDir);
        var health = c.Extra!["Healthcheck"];
        Assert.Equal(5_000_000_000, health.GetProperty("Interval").GetInt64());
        Assert.Equal(2, health.GetProperty("Retries").GetInt32());
        var files = await BuildWorld.FilesAsync(built.Image);
        Assert.Equal(TarEntryKind.Directory, files["srv/sub"].Kind);
    }

    [Fact]
    public async Task Onbuild_triggers_of_the_base_run_first_and_are_not_inherited()
    {
        var parent = await world.BuildAsync(world.Context("""
            FROM debian:bookworm
            ONBUILD RUN echo triggered > /onbuild
            ONBUILD ENV FROM_TRIGGER=yes
            """));
        Assert.True(parent.Image.Config.Config!.Extra!.ContainsKey("OnBuild"));
        await world.Store.WriteAsync(parent.Image, ImageName.Parse("onbuild-parent:latest"), TestContext.Current.CancellationToken);
        var child = await world.BuildAsync(world.Context("""
            FROM onbuild-parent
            RUN cat /onbuild > /child-saw
            """));
        var files = await BuildWorld.FilesAsync(child.Image);
        Assert.Equal("triggered\n", files["child-saw"].Content);
        Assert.Contains("FROM_TRIGGER=yes", child.Image.Config.Config!.Env!);
        Assert.False(child.Image.Config.Config.Extra?.ContainsKey("OnBuild") ?? false);
    }

    [Fact]
    public async Task The_same_step_in_two_parallel_stages_runs_once_even_without_the_cache()
    {
        var context = world.Context("""
            FROM debian:bookworm AS a
            RUN echo shared $(date +%s%N) > /shared
            RUN echo a > /a
            FROM debian:bookworm AS b
            RUN echo shared $(date +%s%N) > /shared
            RUN echo b > /b
            FROM scratch
            COPY --from=a /shared /a /
            COPY --from=b /shared /b /from-b/
            """);
        var built = await world.BuildAsync(context, o => o with { NoCache = true });
        var files = await BuildWorld.FilesAsync(built.Image);
        Assert.Equal(files["shared"].Content, files["from-b/shared"].Content);
        Assert.Equal(5, built.StepsRun);
        Assert.Equal(1, built.StepsCached);
    }
}
