using System.Globalization;

namespace Distill.Cli;

/// <summary>
/// One frame of the live build view, as BuildKit draws it: a header <c>[+] Building 12.3s (7/9)</c>, one line per step
/// (<c> => [build 2/4] RUN make          10.2s</c>, <c>CACHED</c>, <c>ERROR</c> or <c>CANCELED</c> before the name of those
/// that ended so) and, under each running or failed step, the last lines it printed, dimmed. Lines are cut to the
/// width; a live frame taller than the terminal drops its oldest finished steps first, so redrawing in place works.
/// </summary>
internal static class TtyFrame
{
    private const string Prefix = " => ";
    private const string TailPrefix = " => => # ";

    /// <summary>The frame's lines, with colours (SGR sequences) but no cursor movement.</summary>
    public static List<string> Render(IReadOnlyList<TtyRow> rows, TimeSpan elapsed, TerminalSize size, bool final)
    {
        // one column spare: a line that fills the last column makes some terminals wrap early, and the redraw miscounts
        var width = Math.Max(size.Width, 20) - 1;
        var steps = rows.Where(r => r.State != TtyRowState.Message).ToList();
        var done = steps.Count(r => r.Finished);
        var finished = final && steps.Count > 0 && done == steps.Count && steps.All(r => r.State is TtyRowState.Done or TtyRowState.Cached);
        var header = $"[+] Building {Seconds(elapsed)} ({done}/{steps.Count}){(finished ? " FINISHED" : "")}";
        var blocks = rows.Select(r => RowLines(r, elapsed, width)).ToList();
        var body = final || size.Height <= 2 ? blocks.SelectMany(b => b.Lines).ToList() : Fit(blocks, size.Height - 2);
        return [TerminalText.Fit(header, width), .. body];
    }

    private static Block RowLines(TtyRow row, TimeSpan now, int width)
    {
        if (row.State == TtyRowState.Message)
            return new Block(row, [Colour("34", TerminalText.Fit(Prefix + row.Title, width))]);
        var status = row.State switch
        {
            TtyRowState.Cached => "CACHED ",
            TtyRowState.Failed => "ERROR ",
            TtyRowState.Canceled => "CANCELED ",
            _ => "",
        };
        var timer = " " + Seconds(row.Time(now));
        var name = TerminalText.Fit(Prefix + status + row.Title, Math.Max(width - timer.Length, 0));
        var padding = Math.Max(width - TerminalText.Columns(name) - timer.Length, 0);
        var line = TerminalText.Fit(name + new string(' ', padding) + timer, width);
        var colour = row.State switch
        {
            TtyRowState.Done or TtyRowState.Cached => "34",
            TtyRowState.Failed => "31",
            TtyRowState.Canceled => "33",
            _ => null,
        };
        var lines = new List<string> { colour is null ? line : Colour(colour, line) };
        if (row.State is TtyRowState.Running or TtyRowState.Failed)
            lines.AddRange(row.Tail.Select(l => Colour("2", TerminalText.Fit(TailPrefix + l, width))));
        return new Block(row, lines);
    }

    /// <summary>At most <paramref name="height"/> lines: the oldest finished steps go first, then the oldest lines.</summary>
    private static List<string> Fit(List<Block> blocks, int height)
    {
        var total = blocks.Sum(b => b.Lines.Count);
        for (var i = 0; i < blocks.Count && total > height; )
        {
            if (blocks[i].Row.State is TtyRowState.Running)
            {
                i++;
                continue;
            }
            total -= blocks[i].Lines.Count;
            blocks.RemoveAt(i);
        }
        var lines = blocks.SelectMany(b => b.Lines).ToList();
        return lines.Count > height ? lines[^height..] : lines;
    }

    private static string Seconds(TimeSpan time)
    {
        var seconds = time.TotalSeconds < 0.05 ? 0 : time.TotalSeconds;
        return seconds.ToString("0.0", CultureInfo.InvariantCulture) + "s";
    }

    private static string Colour(string code, string text) => $"\u001b[{code}m{text}\u001b[0m";

    private sealed record Block(TtyRow Row, List<string> Lines);
}
