using System.Text.RegularExpressions;
using Distill.Tests.Support;

namespace Distill.Tests.Build;

/// <summary>
/// Builds that fail or are stopped midway: a failing RUN names the step, its exit code and its last output lines; a build
/// stopped by SIGTERM or SIGINT during a RUN leaves no mounts, no runtime containers, no running step and no half-written
/// output; after a SIGKILL, the next build in the same store removes what the killed one left.
/// </summary>
public sealed partial class BuildFailureTests(UbuntuMirror mirror) : IClassFixture<UbuntuMirror>
{
    [Fact]
    public async Task A_failing_RUN_reports_the_step_its_exit_code_and_the_output_tail()
    {
        using var sandbox = new CliSandbox();
        var output = sandbox["out"];
        sandbox.Temp.Write("ctx/Dockerfile", """
            FROM ubuntu
            RUN echo fine
            RUN for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25; do echo "line $i"; done; echo oops >&2; exit 3
            RUN echo never
            """);
        var result = await sandbox.RunAsync(["build", sandbox["ctx"], "-t", "failing", "-o", $"oci:{output}:failing",
            "--registries-conf", mirror.RegistriesConf, "--progress", "plain"], null);

        Assert.True(result.ExitCode != 0, $"a RUN that exits 3 should fail the build:\n{result.All}");
        var error = result.Stderr.Split('\n').LastOrDefault(l => l.StartsWith("distill: error: ", StringComparison.Ordinal));
        Assert.True(error is not null, $"no 'distill: error:' line:\n{result.All}");
        Assert.Contains("echo oops", error, StringComparison.Ordinal);
        Assert.True(ExitCode3().IsMatch(error), $"the error should give the exit code 3: {error}");
        // the tail of the step's output is shown (the last lines at least), and nothing after the failing step ran
        Assert.Contains("oops", result.All[result.All.IndexOf("line 25", StringComparison.Ordinal)..], StringComparison.Ordinal);
        Assert.Contains("line 25", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("never\n", result.All.Replace("echo never", "", StringComparison.Ordinal), StringComparison.Ordinal);

        Assert.False(Directory.Exists(output), "a failed build must not write its -o output");
        Assert.DoesNotContain("failing", (await sandbox.OkAsync("images")).Stdout, StringComparison.Ordinal);
        Assert.Empty(BuildLeftovers.MountsUnder(sandbox.Temp.Path));
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task A_build_stopped_during_a_RUN_leaves_no_mounts_no_containers_and_no_output(string signal)
    {
        using var sandbox = new CliSandbox();
        var marker = Guid.NewGuid().ToString("N");
        var output = sandbox["out.tar"];
        sandbox.Temp.Write("ctx/Dockerfile", $"""
            FROM ubuntu
            RUN echo started-$((6*7))-{marker}; sleep 30; echo finished-$((6*7))-{marker}
            """);
        using var build = sandbox.Cli.Start(["build", sandbox["ctx"], "-t", "stopped", "-o", $"oci-archive:{output}",
            "--registries-conf", mirror.RegistriesConf, "--progress", "plain"]);
        try
        {
            await build.WaitForOutputAsync($"started-42-{marker}", 120);
            Assert.NotEmpty(BuildLeftovers.ProcessesWith(marker));
            await build.SignalAsync(signal);
            var exit = await build.WaitForExitAsync(20);

            Assert.True(exit != 0, $"a build stopped by SIG{signal} should not exit 0:\n{build.Output}");
            Assert.DoesNotContain($"finished-42-{marker}", build.Output, StringComparison.Ordinal);
            Assert.Empty(BuildLeftovers.MountsUnder(sandbox.Temp.Path));
            Assert.Empty(await BuildLeftovers.ContainersOfAsync(build.Id));
            Assert.Empty(BuildLeftovers.ProcessesWith(marker));
            Assert.False(File.Exists(output), $"SIG{signal} left the -o output {output}");
            Assert.DoesNotContain(sandbox.Temp.Files(), f => f.StartsWith("out.tar", StringComparison.Ordinal) || Path.GetFileName(f).StartsWith(".tmp-", StringComparison.Ordinal));
            Assert.DoesNotContain("stopped", (await sandbox.OkAsync("images")).Stdout, StringComparison.Ordinal);
        }
        finally
        {
            build.Dispose();
            await BuildLeftovers.ForceCleanAsync(build.Id, sandbox.Temp.Path);
        }
    }

    [Fact]
    public async Task After_a_SIGKILL_the_next_build_in_the_store_removes_what_the_killed_one_left()
    {
        using var sandbox = new CliSandbox();
        var marker = Guid.NewGuid().ToString("N");
        sandbox.Temp.Write("ctx/Dockerfile", $"""
            FROM ubuntu
            RUN echo started-$((6*7))-{marker}; sleep 30
            """);
        sandbox.Temp.Write("next/Dockerfile", "FROM ubuntu\nRUN echo next > /next\n");
        using var killed = sandbox.Cli.Start(["build", sandbox["ctx"], "--registries-conf", mirror.RegistriesConf, "--progress", "plain"]);
        try
        {
            await killed.WaitForOutputAsync($"started-42-{marker}", 120);
            await killed.SignalAsync("KILL");
            await killed.WaitForExitAsync(20);

            var next = await sandbox.RunAsync(["build", sandbox["next"], "-t", "next", "--registries-conf", mirror.RegistriesConf, "--progress", "plain"], null);
            Assert.True(next.ExitCode == 0, $"the build after a SIGKILLed one failed:\n{next.All}");
            Assert.Empty(await BuildLeftovers.ContainersOfAsync(killed.Id));
            Assert.Empty(BuildLeftovers.ProcessesWith(marker));
            Assert.Empty(BuildLeftovers.MountsUnder(sandbox.Temp.Path));
            var scratch = Path.Combine(sandbox.Temp.Path, "store", "build", "tmp");
            Assert.True(!Directory.Exists(scratch) || !Directory.EnumerateFileSystemEntries(scratch).Any(),
                $"the killed build's working directories are still there: {string.Join(", ", Directory.Exists(scratch) ? Directory.EnumerateFileSystemEntries(scratch) : [])}");
        }
        finally
        {
            await BuildLeftovers.ForceCleanAsync(killed.Id, sandbox.Temp.Path);
        }
    }

    [GeneratedRegex(@"exit (code|status)\D{0,3}3\b", RegexOptions.IgnoreCase)]
    private static partial Regex ExitCode3();
}
