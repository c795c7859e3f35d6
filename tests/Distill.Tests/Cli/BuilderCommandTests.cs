using System.Text.RegularExpressions;
using Distill.Build;
using Distill.Tests.Support;

namespace Distill.Tests.Cli;

/// <summary><c>distill builder du</c> and <c>distill builder prune</c> on real builds, each sandbox with its own store.</summary>
public sealed partial class BuilderCommandTests
{
    private static string Context(CliSandbox sandbox, string name, string run)
    {
        sandbox.Temp.Write($"{name}/Dockerfile", $"FROM oci:{DebianBase.Path}:latest\n{run}\n");
        return sandbox[name];
    }

    private static async Task<string> BuildAsync(CliSandbox sandbox, string context, string tag)
    {
        var result = await sandbox.RunAsync("build", context, "-t", tag, "--progress", "plain");
        Assert.True(result.ExitCode == 0, result.All);
        return result.Stdout;
    }

    /// <summary>Rows of <c>builder du</c>'s table by type, and its total.</summary>
    private static async Task<(Dictionary<string, string> Sizes, string Total)> DuAsync(CliSandbox sandbox)
    {
        var stdout = (await sandbox.OkAsync("builder", "du")).Stdout;
        var sizes = stdout.Split('\n')
            .Select(l => Row().Match(l))
            .Where(m => m.Success)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
        var total = Regex.Match(stdout, @"^Total:\s+(\S+)$", RegexOptions.Multiline).Groups[1].Value;
        return (sizes, total);
    }

    private static string Reclaimed(Tool.Result result)
    {
        var match = Regex.Match(result.Stdout, @"^Total reclaimed space: (\S+)$", RegexOptions.Multiline);
        Assert.True(match.Success, result.All);
        return match.Groups[1].Value;
    }

    private static IReadOnlyList<BuildCacheEntry> Entries(CliSandbox sandbox) => BuildCache.Usage(new Distill.Oci.LocalStore(sandbox.Store.Root));

    /// <summary>Makes every snapshot and blob look last used <paramref name="age"/> ago (what days of not building would do).</summary>
    private static void Age(CliSandbox sandbox, TimeSpan age)
    {
        var then = DateTime.UtcNow - age;
        foreach (var dir in Directory.EnumerateDirectories(Path.Combine(sandbox.Store.Root, "build", "snap")))
            Directory.SetLastWriteTimeUtc(dir, then);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(sandbox.Store.Root, "build", "blobs")))
            File.SetLastWriteTimeUtc(file, then);
    }

    [Fact]
    public async Task Du_counts_the_cache_and_prune_all_frees_it_while_the_stores_images_stay_usable()
    {
        using var sandbox = new CliSandbox();
        var context = Context(sandbox, "ctx", "RUN head -c 1000000 /dev/urandom > /big && echo one > /one");
        Assert.Contains("(1 steps run, 0 cached)", await BuildAsync(sandbox, context, "app:1"), StringComparison.Ordinal);

        var (sizes, total) = await DuAsync(sandbox);
        Assert.NotEqual("0B", sizes["Step snapshots"]);
        Assert.NotEqual("0B", sizes["Base layers"]);
        Assert.NotEqual("0B", total);
        Assert.Contains(Entries(sandbox), e => e.Kind == BuildCacheKind.StepSnapshot && e.Size >= 1_000_000);
        var verbose = (await sandbox.OkAsync("builder", "du", "--verbose")).Stdout;
        Assert.Contains("LAST USED", verbose, StringComparison.Ordinal);
        foreach (var entry in Entries(sandbox))
            Assert.Contains(entry.Id, verbose, StringComparison.Ordinal);
        var images = (await sandbox.OkAsync("images")).Stdout;

        Assert.NotEqual("0B", Reclaimed(await sandbox.OkAsync("builder", "prune", "--all", "-f")));
        Assert.Equal("0B", (await DuAsync(sandbox)).Total);
        Assert.Equal(images, (await sandbox.OkAsync("images")).Stdout);
        var image = await sandbox.ReadAsync("app:1");
        foreach (var layer in image.Layers)
        {
            await using var stream = await layer.OpenCompressedAsync(TestContext.Current.CancellationToken);
            await stream.CopyToAsync(Stream.Null, TestContext.Current.CancellationToken); // verified against its digest as it is read
        }
        Assert.Equal("one\n", (await sandbox.OkAsync("run", "app:1", "cat", "/one")).Stdout);

        // the RUN runs again on an empty cache, and is cached after that
        Assert.Contains("(1 steps run, 0 cached)", await BuildAsync(sandbox, context, "app:2"), StringComparison.Ordinal);
        Assert.Contains("(0 steps run, 1 cached)", await BuildAsync(sandbox, context, "app:3"), StringComparison.Ordinal);
        sandbox.AssertNoLeftovers();
    }

    [Fact]
    public async Task Prune_without_all_removes_only_what_no_image_of_the_store_is_made_of_and_asks_first()
    {
        using var sandbox = new CliSandbox();
        sandbox.Temp.Write("ctx/Dockerfile", $"""
            FROM oci:{DebianBase.Path}:latest AS tools
            RUN echo made-in-tools > /a
            FROM oci:{DebianBase.Path}:latest
            COPY --from=tools /a /a
            RUN echo b > /b
            """);
        Assert.Contains("(3 steps run, 0 cached)", await BuildAsync(sandbox, sandbox["ctx"], "app:1"), StringComparison.Ordinal);
        var total = (await DuAsync(sandbox)).Total;

        var declined = await sandbox.Cli.RunWithInputAsync("n\n", ["builder", "prune"]);
        Assert.True(declined.ExitCode == 0, declined.All);
        Assert.Contains("Are you sure you want to continue? [y/N]", declined.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Total reclaimed space", declined.Stdout, StringComparison.Ordinal);
        Assert.Equal(total, (await DuAsync(sandbox)).Total);

        // the tools stage's RUN is no layer of app:1: it goes; the final stage's steps and the base stay
        await sandbox.OkAsync("builder", "prune", "-f");
        Assert.Contains("(1 steps run, 2 cached)", await BuildAsync(sandbox, sandbox["ctx"], "app:1"), StringComparison.Ordinal);
        Assert.Equal("made-in-tools\n", (await sandbox.OkAsync("run", "app:1", "cat", "/a")).Stdout);
    }

    [Fact]
    public async Task Keep_storage_removes_the_least_recently_used_first()
    {
        using var sandbox = new CliSandbox();
        var old = Context(sandbox, "old", "RUN head -c 1000000 /dev/urandom > /old");
        var recent = Context(sandbox, "recent", "RUN head -c 1000000 /dev/urandom > /recent");
        await BuildAsync(sandbox, old, "old:1");
        Age(sandbox, TimeSpan.FromHours(3));
        await BuildAsync(sandbox, recent, "recent:1");

        Assert.Equal("0B", Reclaimed(await sandbox.OkAsync("builder", "prune", "--all", "-f", "--keep-storage", "100GB")));
        var entries = Entries(sandbox);
        var aged = entries.Where(e => e.LastUsed < DateTimeOffset.UtcNow.AddHours(-1)).ToList();
        Assert.Contains(aged, e => e.Kind == BuildCacheKind.StepSnapshot && e.Size >= 1_000_000);
        var keep = entries.Sum(e => e.Size) - aged.Sum(e => e.Size);
        Assert.NotEqual("0B", Reclaimed(await sandbox.OkAsync("builder", "prune", "--all", "-f", "--keep-storage", keep.ToString(System.Globalization.CultureInfo.InvariantCulture))));

        Assert.DoesNotContain(Entries(sandbox), e => e.Kind == BuildCacheKind.StepSnapshot && e.LastUsed < DateTimeOffset.UtcNow.AddHours(-1));
        Assert.Contains(Entries(sandbox), e => e.Kind == BuildCacheKind.BaseLayer);
        Assert.Contains("(0 steps run, 1 cached)", await BuildAsync(sandbox, recent, "recent:2"), StringComparison.Ordinal);
        Assert.Contains("(1 steps run, 0 cached)", await BuildAsync(sandbox, old, "old:2"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Until_filter_spares_what_was_used_recently()
    {
        using var sandbox = new CliSandbox();
        var old = Context(sandbox, "old", "RUN echo old > /old");
        var recent = Context(sandbox, "recent", "RUN echo recent > /recent");
        await BuildAsync(sandbox, old, "old:1");
        Age(sandbox, TimeSpan.FromHours(3));
        await BuildAsync(sandbox, recent, "recent:1");

        Assert.Equal("0B", Reclaimed(await sandbox.OkAsync("builder", "prune", "--all", "-f", "--filter", "until=4h")));
        Assert.NotEqual("0B", Reclaimed(await sandbox.OkAsync("builder", "prune", "--all", "-f", "--filter", "until=2h")));
        Assert.Contains("(0 steps run, 1 cached)", await BuildAsync(sandbox, recent, "recent:2"), StringComparison.Ordinal);
        Assert.Contains("(1 steps run, 0 cached)", await BuildAsync(sandbox, old, "old:2"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prune_refuses_while_a_build_holds_the_cache_and_bad_options_are_one_line_errors()
    {
        using var sandbox = new CliSandbox();
        using (await BuildCacheLock.AcquireSharedAsync(sandbox.Store.Root, null, TestContext.Current.CancellationToken))
            CliSandbox.AssertOneLineError(await sandbox.RunAsync("builder", "prune", "-a", "-f"), "a build is using the build cache");
        Assert.Equal("0B", Reclaimed(await sandbox.OkAsync("builder", "prune", "-a", "-f")));
        CliSandbox.AssertOneLineError(await sandbox.RunAsync("builder", "prune", "-f", "--filter", "label=x"), "label=x");
        CliSandbox.AssertOneLineError(await sandbox.RunAsync("builder", "prune", "-f", "--filter", "until=yesterday"), "until=yesterday");
        CliSandbox.AssertOneLineError(await sandbox.RunAsync("builder", "prune", "-f", "--keep-storage", "lots"), "lots");
    }

    [Fact]
    public async Task A_build_waits_while_a_prune_holds_the_cache()
    {
        using var sandbox = new CliSandbox();
        var context = Context(sandbox, "ctx", "RUN echo built > /built");
        var prune = BuildCacheLock.TryAcquireExclusive(sandbox.Store.Root);
        Assert.NotNull(prune);
        using var build = sandbox.Cli.Start(["build", context, "-t", "app:1", "--progress", "plain"]);
        await build.WaitForOutputAsync(BuildCacheLock.WaitingMessage, 60);
        Assert.False(Directory.Exists(Path.Combine(sandbox.Store.Root, "build", "snap")), "the build went on while the prune held the cache");
        prune.Dispose();
        Assert.True(await build.WaitForExitAsync(120) == 0, build.Output);
        Assert.Equal("built\n", (await sandbox.OkAsync("run", "app:1", "cat", "/built")).Stdout);
    }

    [GeneratedRegex(@"^(Step snapshots|Base layers|Compressed layers|Cache mounts|Other)\s+\d+\s+(\S+)\s+\S+$")]
    private static partial Regex Row();
}
