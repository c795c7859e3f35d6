using Distill.Build;
using Distill.Cli;

namespace Distill.Tests.Cli;

/// <summary>
/// The live build view (<c>--progress tty</c>) frame by frame: drawn into a string with a fixed width and a clock the
/// test moves, replayed on <see cref="Support.AnsiScreen"/> to see what the terminal would show.
/// </summary>
public sealed class TtyBuildProgressTests
{
    private const string Esc = "\u001b";

    [Fact]
    public void Header_counts_ended_steps_and_each_step_line_shows_its_state_and_time()
    {
        using var view = new TtyViewHarness(width: 60);
        var from = view.Step("build", 1, 3, "FROM oci:base");
        var copy = view.Step("build", 2, 3, "COPY . /src");
        var run = view.Step("build", 3, 3, "RUN make");
        view.Progress.Started(from);
        view.Advance(0.4);
        view.Progress.Completed(from, TimeSpan.FromSeconds(0.4));
        view.Progress.Started(copy);
        view.Progress.Cached(copy);
        view.Progress.Started(run);
        view.Advance(2.5);

        var screen = view.Frame();

        Assert.Equal(
        [
            "[+] Building 2.9s (2/3)",
            view.Line(" => [build 1/3] FROM oci:base", "0.4s"),
            view.Line(" => CACHED [build 2/3] COPY . /src", "0.0s"),
            view.Line(" => [build 3/3] RUN make", "2.5s"),
        ], screen.Rows);
        Assert.False(screen.CursorVisible, "the cursor hides while the view is live");
        var raw = view.Output.ToString();
        Assert.Contains($"{Esc}[34m{view.Line(" => [build 1/3] FROM oci:base", "0.4s")}{Esc}[0m", raw, StringComparison.Ordinal);
        Assert.Contains($"{Esc}[34m{view.Line(" => CACHED [build 2/3] COPY . /src", "0.0s")}{Esc}[0m", raw, StringComparison.Ordinal);
    }

    [Fact]
    public void A_running_step_shows_its_last_six_lines_dimmed_and_they_collapse_when_it_finishes()
    {
        using var view = new TtyViewHarness(width: 60);
        var run = view.Step("build", 2, 2, "RUN make");
        view.Progress.Started(run);
        for (var i = 1; i <= 8; i++)
            view.Progress.Output(run, $"line {i}");
        view.Advance(1);

        var running = view.Frame();

        Assert.Equal(
        [
            "[+] Building 1.0s (0/1)",
            view.Line(" => [build 2/2] RUN make", "1.0s"),
            " => => # line 3", " => => # line 4", " => => # line 5", " => => # line 6", " => => # line 7", " => => # line 8",
        ], running.Rows);
        Assert.Contains($"{Esc}[2m => => # line 8{Esc}[0m", view.Output.ToString(), StringComparison.Ordinal);

        view.Advance(0.5);
        view.Progress.Completed(run, TimeSpan.FromSeconds(1.5));
        var done = view.Frame();

        // redrawn in place: the shorter frame erased the six output lines below it
        Assert.Equal(["[+] Building 1.5s (1/1)", view.Line(" => [build 2/2] RUN make", "1.5s")], done.Rows);
    }

    [Fact]
    public void A_failed_step_keeps_its_output_and_steps_still_running_at_the_end_are_cancelled()
    {
        using var view = new TtyViewHarness(width: 60);
        var failing = view.Step("a", 1, 1, "RUN make test");
        var other = view.Step("b", 1, 1, "RUN sleep 9");
        view.Progress.Started(failing);
        view.Progress.Started(other);
        view.Progress.Output(other, "sleeping");
        view.Progress.Output(failing, "compiling");
        view.Progress.Output(failing, "test failed: 1 != 2");
        view.Advance(2);
        view.Progress.Failed(failing, "RUN make test: exit code: 2");
        view.Frame();
        view.Advance(0.3);

        var screen = view.End();

        Assert.Equal(
        [
            "[+] Building 2.3s (2/2)",
            view.Line(" => ERROR [a 1/1] RUN make test", "2.0s"),
            " => => # compiling",
            " => => # test failed: 1 != 2",
            view.Line(" => CANCELED [b 1/1] RUN sleep 9", "2.3s"),
        ], screen.Rows);
        Assert.True(screen.CursorVisible);
        var raw = view.Output.ToString();
        Assert.Contains($"{Esc}[31m{view.Line(" => ERROR [a 1/1] RUN make test", "2.0s")}{Esc}[0m", raw, StringComparison.Ordinal);
        Assert.Contains($"{Esc}[33m{view.Line(" => CANCELED [b 1/1] RUN sleep 9", "2.3s")}{Esc}[0m", raw, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_line_is_cut_to_the_terminal_width_keeping_the_time_visible()
    {
        using var view = new TtyViewHarness(width: 30);
        var run = view.Step("build", 2, 9, "RUN " + new string('x', 100));
        view.Progress.Started(run);
        view.Progress.Output(run, new string('y', 100));
        view.Progress.Output(run, new string('界', 40));
        view.Advance(1);

        var screen = view.Frame();

        Assert.All(screen.Rows, row => Assert.True(TerminalText.Columns(row) <= 29, $"{TerminalText.Columns(row)} columns: {row}"));
        Assert.Equal(" => [build 2/9] RUN xxxx 1.0s", screen.Rows[1]);
        Assert.Equal(" => => # " + new string('y', 20), screen.Rows[2]);
        Assert.Equal(" => => # " + new string('界', 10), screen.Rows[3]);

        view.Size = new TerminalSize(10, 0);
        Assert.All(view.Frame().Rows, row => Assert.True(TerminalText.Columns(row) <= 19, $"narrower than 20 columns is drawn as 20: {row}"));
    }

    [Fact]
    public void Running_timers_tick_with_the_clock_and_each_frame_replaces_the_last()
    {
        using var view = new TtyViewHarness(width: 40);
        var run = view.Step("build", 1, 1, "RUN sleep 3");
        view.Progress.Started(run);
        view.Advance(1.5);
        Assert.Equal(["[+] Building 1.5s (0/1)", view.Line(" => [build 1/1] RUN sleep 3", "1.5s")], view.Frame().Rows);
        view.Advance(1.5);
        Assert.Equal(["[+] Building 3.0s (0/1)", view.Line(" => [build 1/1] RUN sleep 3", "3.0s")], view.Frame().Rows);
        view.Advance(10);
        view.Progress.Completed(run, TimeSpan.FromSeconds(3.1));
        Assert.Equal(["[+] Building 13.0s (1/1)", view.Line(" => [build 1/1] RUN sleep 3", "3.1s")], view.Frame().Rows);
    }

    [Fact]
    public void The_final_view_stays_whole_with_the_cursor_shown_and_nothing_is_drawn_after_it()
    {
        using var view = new TtyViewHarness(width: 50);
        var one = view.Step("build", 1, 2, "FROM scratch");
        var two = view.Step("build", 2, 2, "COPY a /");
        view.Progress.Started(one);
        view.Progress.Output(one, "a line that will collapse");
        view.Frame();
        view.Frame();
        view.Progress.Completed(one, TimeSpan.FromSeconds(0.1));
        view.Progress.Started(two);
        view.Advance(0.2);
        view.Progress.Completed(two, TimeSpan.FromSeconds(0.2));

        var screen = view.End();

        Assert.Equal(
        [
            "[+] Building 0.2s (2/2) FINISHED",
            view.Line(" => [build 1/2] FROM scratch", "0.1s"),
            view.Line(" => [build 2/2] COPY a /", "0.2s"),
        ], screen.Rows);
        Assert.True(screen.CursorVisible);
        Assert.Equal(3, screen.CursorRow);
        Assert.EndsWith($"{Esc}[J{Esc}[?25h", view.Output.ToString(), StringComparison.Ordinal);

        var length = view.Output.ToString().Length;
        var late = view.Step("build", 3, 3, "RUN late");
        view.Progress.Started(late);
        view.Progress.Output(late, "late");
        view.Progress.Message("late");
        view.Progress.Redraw();
        view.Progress.Dispose();
        Assert.Equal(length, view.Output.ToString().Length);
    }

    [Fact]
    public void A_view_that_was_never_drawn_live_leaves_only_its_final_frame()
    {
        using var view = new TtyViewHarness(width: 40);
        var copy = view.Step("build", 1, 1, "COPY a /");
        view.Progress.Started(copy);
        view.Progress.Cached(copy);

        var raw = view.Output.ToString() + "";
        var screen = view.End();

        Assert.Equal("", raw);
        Assert.Equal(["[+] Building 0.0s (1/1) FINISHED", view.Line(" => CACHED [build 1/1] COPY a /", "0.0s")], screen.Rows);
        Assert.DoesNotContain("?25", view.Output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_frame_taller_than_the_terminal_drops_old_finished_steps_and_the_final_view_shows_all()
    {
        using var view = new TtyViewHarness(width: 40, height: 6);
        for (var i = 1; i <= 10; i++)
        {
            var step = view.Step("build", i, 11, $"COPY f{i} /");
            view.Progress.Started(step);
            view.Progress.Completed(step, TimeSpan.FromSeconds(0.1));
        }
        var run = view.Step("build", 11, 11, "RUN make");
        view.Progress.Started(run);
        view.Progress.Output(run, "one");
        view.Progress.Output(run, "two");
        view.Advance(1);

        var live = view.Frame();

        Assert.Equal(
        [
            "[+] Building 1.0s (10/11)",
            view.Line(" => [build 10/11] COPY f10 /", "0.1s"),
            view.Line(" => [build 11/11] RUN make", "1.0s"),
            " => => # one",
            " => => # two",
        ], live.Rows);

        view.Progress.Completed(run, TimeSpan.FromSeconds(1));
        var final = view.End();

        Assert.Equal(12, final.Rows.Count);
        Assert.Equal("[+] Building 1.0s (11/11) FINISHED", final.Rows[0]);
        Assert.Equal(view.Line(" => [build 1/11] COPY f1 /", "0.1s"), final.Rows[1]);
        Assert.Equal(view.Line(" => [build 11/11] RUN make", "1.0s"), final.Rows[11]);
    }

    [Fact]
    public void Program_output_is_shown_as_a_terminal_would_show_it()
    {
        using var view = new TtyViewHarness(width: 60);
        var run = view.Step("build", 1, 1, "RUN <<EOF\necho hi\nEOF");
        view.Progress.Started(run);
        view.Progress.Output(run, $"{Esc}[32mgreen{Esc}[0m and {Esc}]0;title\u0007plain");
        view.Progress.Output(run, "10%\r50%\r100%\r\n");
        view.Progress.Output(run, "a\tb\u0000\u0008");
        view.Progress.Output(run, "");
        view.Progress.Output(run, "  \r");

        var screen = view.Frame();

        Assert.Equal(
        [
            "[+] Building 0.0s (0/1)",
            view.Line(" => [build 1/1] RUN <<EOF echo hi EOF", "0.0s"),
            " => => # green and plain",
            " => => # 100%",
            " => => # a       b",
        ], screen.Rows);
    }

    [Fact]
    public void Messages_are_shown_in_order_and_not_counted_as_steps()
    {
        using var view = new TtyViewHarness(width: 40);
        view.Progress.Message("pulling debian");
        var from = view.Step("build", 1, 1, "FROM debian");
        view.Progress.Started(from);
        view.Progress.Completed(from, TimeSpan.FromSeconds(0.5));

        var screen = view.End();

        Assert.Equal(["[+] Building 0.0s (1/1) FINISHED", " => pulling debian", view.Line(" => [build 1/1] FROM debian", "0.5s")], screen.Rows);
    }

    [Fact]
    public async Task Steps_reporting_from_many_threads_while_frames_are_drawn_end_in_one_consistent_view()
    {
        using var view = new TtyViewHarness(width: 80);
        var steps = Enumerable.Range(0, 400).Select(i => view.Step($"s{i % 8}", i / 8 + 1, 50, $"RUN step {i}")).ToList();
        using var stop = new CancellationTokenSource();
        var drawer = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
                view.Progress.Redraw();
        }, TestContext.Current.CancellationToken);
        Parallel.ForEach(steps, new ParallelOptions { MaxDegreeOfParallelism = 8 }, step =>
        {
            view.Progress.Started(step);
            for (var j = 0; j < 20; j++)
                view.Progress.Output(step, $"output {j}");
            if (step.Id % 3 == 0)
                view.Progress.Cached(step);
            else
                view.Progress.Completed(step, TimeSpan.FromSeconds(1));
        });
        stop.Cancel();
        await drawer;

        var screen = view.End();

        Assert.Equal(401, screen.Rows.Count);
        Assert.Equal("[+] Building 0.0s (400/400) FINISHED", screen.Rows[0]);
        Assert.Equal(133, screen.Rows.Count(r => r.StartsWith(" => CACHED ", StringComparison.Ordinal)));
        Assert.DoesNotContain(screen.Rows, r => r.StartsWith(" => => #", StringComparison.Ordinal));
    }

    [Fact]
    public void A_closed_output_ends_the_view_without_failing_the_build()
    {
        var output = new StringWriter();
        output.Dispose();
        using var progress = new TtyBuildProgress(output, () => TimeSpan.Zero, () => new TerminalSize(40, 0), redrawEvery: null);
        var step = new BuildStep(1, "build", 1, 1, "RUN x");
        progress.Started(step);
        progress.Redraw();
        progress.Output(step, "x");
        progress.Redraw();
        progress.Failed(step, "exit code: 1");
        progress.Dispose();
    }

    [Fact]
    public void Verify_findings_stay_on_screen_below_the_last_frame()
    {
        using var view = new TtyViewHarness(width: 60);
        var verify = view.Step("verify", 0, 0, "entrypoint /app");
        view.Progress.Started(verify);
        view.Progress.Finding(verify, new Distill.Analysis.VerifyFinding(Distill.Analysis.VerifyRules.CaBundleMissing, Distill.Analysis.VerifySeverity.Warning, "no CA bundle", "/app"));
        view.Advance(0.2);
        view.Progress.Completed(verify, TimeSpan.FromSeconds(0.2));
        Assert.DoesNotContain(view.Frame().Rows, r => r.Contains("no CA bundle", StringComparison.Ordinal));

        var screen = view.End();

        Assert.Equal("warning: no CA bundle [ca-bundle-missing]", screen.Rows[^1]);
        Assert.Equal(view.Line(" => [verify] entrypoint /app", "0.2s"), screen.Rows[^2]);
    }

    [Fact]
    public void Progress_modes_choose_the_live_view_only_for_a_terminal()
    {
        using var output = new StringWriter();
        var tty = BuildProgressPrinter.For("tty", output);
        Assert.IsType<TtyBuildProgress>(tty);
        ((IDisposable)tty).Dispose();
        Assert.IsType<BuildProgressPrinter>(BuildProgressPrinter.For("plain", output));
        Assert.IsType<BuildProgressPrinter>(BuildProgressPrinter.For("json", output));
    }
}
