using System.Text.Json;
using Distill.Tests.Support;

namespace Distill.Tests.Cli;

/// <summary>
/// <c>distill build --verify</c>: the final image is verified before anything is written — findings printed in the
/// progress's own form (warn, the default), the build failed with nothing written (<c>--verify=error</c>), or skipped.
/// </summary>
public sealed class BuildVerifyTests
{
    private const string Loader = "/lib64/ld-linux-x86-64.so.2";

    /// <summary>A scratch image holding one binary of the Debian base as its entrypoint.</summary>
    private static string Context(CliSandbox sandbox, string binary)
    {
        sandbox.Temp.Write("ctx/Dockerfile", $"""
            FROM oci:{DebianBase.Path}:latest AS base
            FROM scratch
            COPY --from=base {binary} /app
            ENTRYPOINT ["/app"]
            """);
        return sandbox["ctx"];
    }

    [Fact]
    public async Task A_dynamic_binary_on_scratch_is_reported_and_the_image_still_written_by_default()
    {
        Tool.Require("runc", "runc");
        using var sandbox = new CliSandbox();
        var context = Context(sandbox, "/bin/ls");

        var result = await sandbox.RunAsync("build", context, "--progress", "plain", "-t", "ls:1", "-o", $"oci:{sandbox["out"]}");

        Assert.True(result.ExitCode == 0, result.All);
        var lines = result.Stderr.Split('\n');
        var step = lines.Single(l => l.EndsWith("[verify] entrypoint /app", StringComparison.Ordinal)).Split(' ')[0];
        Assert.Contains(lines, l => l.StartsWith($"{step} error: ", StringComparison.Ordinal) && l.Contains(Loader, StringComparison.Ordinal) && l.EndsWith("[interpreter-missing]", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"{step} error: libc.so.6 ", StringComparison.Ordinal));
        Assert.Contains($"{step} DONE ", result.Stderr, StringComparison.Ordinal);
        var digest = CliSandbox.PrintedDigest(result).Split(' ')[0];
        Assert.Equal(digest, (await sandbox.ReadLayoutAsync(sandbox["out"])).ManifestDescriptor.Digest.ToString());
        Assert.Equal(digest, (await sandbox.ReadAsync("ls:1")).ManifestDescriptor.Digest.ToString());
    }

    [Fact]
    public async Task Verify_error_fails_the_build_before_any_output_and_json_progress_carries_the_findings()
    {
        Tool.Require("runc", "runc");
        using var sandbox = new CliSandbox();
        var context = Context(sandbox, "/bin/ls");

        var result = await sandbox.RunAsync("build", context, "--verify=error", "--progress", "json", "-t", "ls:1", "-o", $"oci:{sandbox["out"]}",
            "--iidfile", sandbox["iid"], "--metadata-file", sandbox["meta.json"]);

        Assert.Equal(1, result.ExitCode);
        var error = result.Stderr.Split('\n').Single(l => l.StartsWith("distill: error: ", StringComparison.Ordinal));
        Assert.Contains("--verify=error", error, StringComparison.Ordinal);
        Assert.Contains(Loader, error, StringComparison.Ordinal);
        Assert.DoesNotContain("Wrote", result.Stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(sandbox["out"]), "no output is written when verify fails the build");
        Assert.False(File.Exists(sandbox["iid"]) || File.Exists(sandbox["meta.json"]), "no digest or metadata file either");
        Assert.Null(sandbox.Store.TryRead(Distill.Oci.ImageName.Parse("ls:1"), Distill.Oci.Platform.LinuxAmd64));
        var events = result.Stderr.Split('\n').Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        var findings = events.Where(e => e.GetProperty("event").GetString() == "finding").ToList();
        Assert.Contains(findings, f => f.GetProperty("rule").GetString() == "interpreter-missing" && f.GetProperty("severity").GetString() == "error"
            && f.GetProperty("path").GetString() == Loader && f.GetProperty("stage").GetString() == "verify");
        Assert.Contains(findings, f => f.GetProperty("rule").GetString() == "library-missing" && f.GetProperty("text").GetString()!.StartsWith("libc.so.6 ", StringComparison.Ordinal));
        Assert.Contains(events, e => e.GetProperty("event").GetString() == "failed" && e.GetProperty("stage").GetString() == "verify");
    }

    [Fact]
    public async Task A_static_binary_gives_no_finding_and_verify_off_skips_the_step()
    {
        Tool.Require("runc", "runc");
        using var sandbox = new CliSandbox();
        // Debian's ldconfig is a static PIE
        var context = Context(sandbox, "/sbin/ldconfig");

        var result = await sandbox.RunAsync("build", context, "--verify=error", "--progress", "plain", "-o", $"oci:{sandbox["out"]}");

        Assert.True(result.ExitCode == 0, result.All);
        var step = result.Stderr.Split('\n').Single(l => l.EndsWith("[verify] entrypoint /app", StringComparison.Ordinal)).Split(' ')[0];
        Assert.Equal([$"{step} [verify] entrypoint /app"], result.Stderr.Split('\n').Where(l => l.StartsWith(step + " ", StringComparison.Ordinal) && !l.StartsWith($"{step} DONE ", StringComparison.Ordinal)));
        LayoutValidator.AssertValid(sandbox["out"]);

        var off = await sandbox.RunAsync("build", Context(sandbox, "/bin/ls"), "--verify=off", "--progress", "plain");
        Assert.True(off.ExitCode == 0, off.All);
        Assert.DoesNotContain("[verify]", off.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_alone_means_warn_and_a_word_that_is_no_mode_is_refused()
    {
        Tool.Require("runc", "runc");
        using var sandbox = new CliSandbox();
        var context = Context(sandbox, "/bin/ls");

        var alone = await sandbox.RunAsync("build", context, "--progress", "plain", "--verify");
        Assert.True(alone.ExitCode == 0, alone.All);
        Assert.Contains(Loader, alone.Stderr, StringComparison.Ordinal);

        var bad = await sandbox.RunAsync("build", "--verify", context);
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("'off'", bad.Stderr + bad.Stdout, StringComparison.Ordinal);
    }
}
