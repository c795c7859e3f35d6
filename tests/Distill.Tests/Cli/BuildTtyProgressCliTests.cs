using Distill.Cli;
using Distill.Tests.Support;

namespace Distill.Tests.Cli;

/// <summary><c>distill build --progress tty</c> end to end: the live view's stderr, replayed on a terminal, leaves the final frame and then the command's own lines.</summary>
public sealed class BuildTtyProgressCliTests
{
    [Fact]
    public async Task The_live_view_ends_on_the_full_final_frame_with_output_collapsed_or_kept_for_the_failed_step_and_auto_stays_plain_off_a_terminal()
    {
        using var sandbox = new CliSandbox();
        sandbox.Temp.Write("ok/Dockerfile", $"""
            FROM oci:{DebianBase.Path}:latest AS build
            RUN for i in 1 2 3 4 5 6 7 8; do echo "line $i"; done
            FROM scratch
            COPY --from=build /etc/hostname /
            """);
        var ok = await sandbox.RunAsync("build", sandbox["ok"], "--progress", "tty", "-o", $"oci:{sandbox["out"]}");
        Assert.True(ok.ExitCode == 0, ok.All);
        var screen = AnsiScreen.Of(ok.Stderr);
        Assert.True(screen.CursorVisible, "the cursor is shown again");
        Assert.Equal("[+] Building", screen.Rows[0][..12]);
        Assert.EndsWith("(4/4) FINISHED", screen.Rows[0], StringComparison.Ordinal);
        Assert.Equal(6, screen.Rows.Count);
        Assert.StartsWith(" => [build 1/2] FROM oci:", screen.Rows[1], StringComparison.Ordinal);
        Assert.StartsWith(" => [build 2/2] RUN for i in 1 2 3", screen.Rows[2], StringComparison.Ordinal);
        Assert.StartsWith(" => [stage-1 2/2] COPY --from=build /etc/hostname /", screen.Rows[3], StringComparison.Ordinal);
        // the build verifies its image (warn by default) and leaves the findings below the frame
        Assert.StartsWith(" => [verify] entrypoint ", screen.Rows[4], StringComparison.Ordinal);
        Assert.Equal("error: the image has no entrypoint and no command: nothing to run [no-command]", screen.Rows[5]);
        Assert.All(screen.Rows, row => Assert.True(TerminalText.Columns(row) < TerminalSize.DefaultWidth, row));
        LayoutValidator.AssertValid(sandbox["out"]);

        // auto, with stderr not a terminal: BuildKit's plain lines, no escape sequences
        var auto = await sandbox.RunAsync("build", sandbox["ok"], "-o", $"oci:{sandbox["out2"]}");
        Assert.True(auto.ExitCode == 0, auto.All);
        Assert.DoesNotContain('\u001b', auto.Stderr);
        Assert.Contains(" CACHED", auto.Stderr, StringComparison.Ordinal);
        LayoutValidator.AssertValid(sandbox["out2"]);

        sandbox.Temp.Write("bad/Dockerfile", $"""
            FROM oci:{DebianBase.Path}:latest
            RUN echo first; echo second; exit 3
            """);
        var bad = await sandbox.RunAsync("build", sandbox["bad"], "--progress", "tty");
        Assert.NotEqual(0, bad.ExitCode);
        var failed = AnsiScreen.Of(bad.Stderr).Rows;
        Assert.DoesNotContain("FINISHED", failed[0], StringComparison.Ordinal);
        var error = failed.ToList().FindIndex(r => r.StartsWith(" => ERROR [stage-0 2/2] RUN echo first", StringComparison.Ordinal));
        Assert.True(error > 0, string.Join('\n', failed));
        Assert.Equal([" => => # first", " => => # second"], failed.Skip(error + 1).Take(2));
        Assert.StartsWith("distill: error: ", failed[^1], StringComparison.Ordinal);
    }
}
