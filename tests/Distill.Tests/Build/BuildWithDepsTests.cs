using Distill.Oci;
using Distill.Tests.Analysis;
using Distill.Tests.Support;

namespace Distill.Tests.Build;

/// <summary>
/// <c>distill build --with-deps</c>: a final scratch stage that copies an ELF program from an earlier stage gets that
/// program's loader and libraries from the earlier stage's filesystem, in a layer after its own, and runs; without the
/// flag the same Dockerfile gives an image verify rejects; a program that came from the context gets nothing.
/// </summary>
public sealed class BuildWithDepsTests
{
    [Fact]
    public async Task Ls_copied_from_a_debian_stage_onto_scratch_gets_its_libraries_from_that_stage_and_runs()
    {
        using var sandbox = new CliSandbox();
        sandbox.Temp.Write("ctx/Dockerfile", $"""
            FROM oci:{DebianBase.Path}:{DebianBase.Tag} AS build
            FROM scratch
            COPY --from=build /bin/ls /ls
            ENTRYPOINT ["/ls", "/"]
            """);
        var bare = await sandbox.RunAsync(["build", sandbox["ctx"], "--progress", "plain", "-o", $"oci:{sandbox["bare"]}:t"], null);
        Assert.True(bare.ExitCode == 0, bare.All);
        var rejected = await sandbox.RunAsync("verify", $"oci:{sandbox["bare"]}:t");
        Assert.True(rejected.ExitCode == 1, rejected.All);
        Assert.Contains("libselinux.so.1", rejected.Stdout, StringComparison.Ordinal);

        var built = await sandbox.RunAsync(["build", sandbox["ctx"], "--progress", "plain", "--with-deps", "-o", $"oci:{sandbox["out"]}:t"], null);
        Assert.True(built.ExitCode == 0, built.All);
        var listed = built.Stdout.Split('\n').Where(l => l.StartsWith("  /", StringComparison.Ordinal)).Select(l => l.Trim()).ToList();
        Assert.Equal(
        [
            "/lib -> usr/lib", "/lib64 -> usr/lib64", "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "/usr/lib/x86_64-linux-gnu/libc.so.6",
            "/usr/lib/x86_64-linux-gnu/libpcre2-8.so.0 -> libpcre2-8.so.0.11.2", "/usr/lib/x86_64-linux-gnu/libpcre2-8.so.0.11.2",
            "/usr/lib/x86_64-linux-gnu/libselinux.so.1", "/usr/lib64/ld-linux-x86-64.so.2 -> /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
        ], listed);
        var image = await sandbox.ReadLayoutAsync(sandbox["out"], "t");
        Assert.Equal(2, image.Layers.Count);
        Assert.Equal("distill build --with-deps: dependencies of /ls from stage build", image.Config.History!.Last(h => h.EmptyLayer != true).CreatedBy);
        var verified = await sandbox.RunAsync("verify", $"oci:{sandbox["out"]}:t");
        Assert.True(verified.ExitCode == 0, verified.All);
        var run = await sandbox.RunAsync("run", $"oci:{sandbox["out"]}:t");
        Assert.True(run.ExitCode == 0, run.All);
        Assert.Contains("ls\n", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("usr\n", run.Stdout, StringComparison.Ordinal);
        Assert.Empty(BuildLeftovers.MountsUnder(sandbox.Temp.Path));
    }

    [Fact]
    public async Task A_program_from_the_context_gets_nothing_and_the_build_says_why()
    {
        var programs = await NativePrograms.GetAsync();
        using var sandbox = new CliSandbox();
        sandbox.Temp.Write("ctx/Dockerfile", """
            FROM scratch
            COPY app /app
            ENTRYPOINT ["/app"]
            """);
        File.Copy(Path.Combine(programs.CMath, "app"), sandbox["ctx/app"]);
        var built = await sandbox.RunAsync(["build", sandbox["ctx"], "--progress", "plain", "--with-deps", "-o", $"oci:{sandbox["out"]}:t"], null);
        Assert.True(built.ExitCode == 0, built.All);
        Assert.Contains("Note: the final stage copies /app from no earlier stage: no dependencies added", built.Stdout, StringComparison.Ordinal);
        Assert.Single((await sandbox.ReadLayoutAsync(sandbox["out"], "t")).Layers);
    }
}
