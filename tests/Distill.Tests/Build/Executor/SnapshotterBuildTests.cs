using Distill.Build;
using Distill.Tests.Support;

namespace Distill.Tests.Build.Executor;

/// <summary>The same Dockerfiles built with overlayfs snapshots and with the copying snapshotter give the same image, digest for digest.</summary>
public sealed class SnapshotterBuildTests(BuildWorld world) : IClassFixture<BuildWorld>
{
    [Fact]
    public async Task A_build_with_copied_snapshots_gives_the_same_image_as_with_overlayfs()
    {
        var context = world.Context("""
            FROM debian:bookworm AS tools
            RUN mkdir -p /out && echo built > /out/artifact && ln -s artifact /out/link
            FROM debian:bookworm
            WORKDIR /app
            COPY a.txt ./
            RUN echo "$(cat a.txt) and more" > b.txt && rm -rf /usr/share/doc /var/cache/debconf && ln b.txt hard.txt
            RUN rm -rf /usr/share/man && mkdir -p /usr/share/man/new && echo x > /usr/share/man/new/page && chmod 0600 /etc/shadow && chown 1:1 /etc/hostname
            COPY --from=tools /out /from-tools
            RUN --mount=type=bind,from=tools,source=/out,target=/mnt cat /mnt/artifact > /app/seen && touch /etc/issue
            RUN rm /app/a.txt && mv /app/seen /app/seen.txt
            """, ("a.txt", "context file\n"));
        var overlay = await world.BuildAsync(context, o => o with { NoCache = true, Snapshotter = "overlayfs" });
        var copy = await world.BuildAsync(context, o => o with { NoCache = true, Snapshotter = "copy" });
        Assert.Equal(overlay.StepsRun, copy.StepsRun);
        Assert.Equal(overlay.Image.Layers.Select(l => l.Descriptor.Digest), copy.Image.Layers.Select(l => l.Descriptor.Digest));
        Assert.Equal(overlay.Image.ManifestDescriptor.Digest, copy.Image.ManifestDescriptor.Digest);
        var files = await BuildWorld.FilesAsync(copy.Image);
        Assert.Equal("built\n", files["app/seen.txt"].Content);
        Assert.Equal("context file and more\n", files["app/hard.txt"].Content);
        Assert.DoesNotContain("app/a.txt", files.Keys);
        Assert.DoesNotContain(Directory.GetDirectories(Path.Combine(world.Store.Root, "build", "tmp")), d => Path.GetFileName(d).StartsWith(Environment.ProcessId + "-view-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Copied_snapshots_on_a_cache_of_their_own_give_the_same_digest_as_overlayfs_snapshots()
    {
        var context = world.Context("""
            FROM debian:bookworm
            RUN echo one > /one && rm -rf /usr/share/doc
            RUN mkdir /usr/share/doc && echo again > /usr/share/doc/x && rm /one
            """);
        using var other = new TempDir();
        var store = new Distill.Oci.LocalStore(other["store"]);
        var debian = world.Store.Read(Distill.Oci.ImageName.Parse("debian:bookworm"), Distill.Oci.Platform.LinuxAmd64);
        await store.WriteAsync(debian, Distill.Oci.ImageName.Parse("debian:bookworm"), TestContext.Current.CancellationToken);
        var overlay = await world.BuildAsync(context, o => o with { Snapshotter = "overlayfs" });
        var copy = await world.BuildAsync(context, o => o with
        {
            Snapshotter = "copy",
            Transport = o.Transport with { Store = store },
        });
        Assert.Equal(2, copy.StepsRun);
        Assert.Equal(overlay.Image.ManifestDescriptor.Digest, copy.Image.ManifestDescriptor.Digest);
    }
}
