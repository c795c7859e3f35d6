using System.Diagnostics;
using System.Text;
using Distill.Analysis;
using Distill.Build;

namespace Distill.Cli;

/// <summary>
/// The live build view on a terminal, as BuildKit's <c>--progress tty</c>: a frame (see <see cref="TtyFrame"/>) redrawn
/// in place, at most every <c>redrawEvery</c>, by moving the cursor up over the previous frame and overwriting it line by
/// line, each frame written at once so nothing flickers. Events only change the state; the timer draws. Disposing draws
/// the last frame in full, leaves it on screen and shows the cursor again. Thread-safe: steps report from several threads.
/// </summary>
internal sealed class TtyBuildProgress : IBuildProgress, IDisposable
{
    private const string HideCursor = "\u001b[?25l";
    private const string ShowCursor = "\u001b[?25h";

    private readonly TextWriter _out;
    private readonly Func<TimeSpan> _clock;
    private readonly Func<TerminalSize> _size;
    private readonly Lock _gate = new();
    private readonly List<TtyRow> _rows = [];
    private readonly Dictionary<int, TtyRow> _steps = [];
    private readonly List<VerifyFinding> _findings = [];
    private readonly TimeSpan _start;
    private readonly Timer? _timer;
    private int _drawnLines;
    private bool _cursorHidden;
    private bool _ended;

    /// <param name="output">Where frames go (stderr).</param>
    /// <param name="clock">Time since some fixed point; read when a step starts or ends and at each frame.</param>
    /// <param name="size">The terminal's size, read at each frame.</param>
    /// <param name="redrawEvery">How often a timer redraws; null for no timer (frames drawn by <see cref="Redraw"/>).</param>
    public TtyBuildProgress(TextWriter output, Func<TimeSpan> clock, Func<TerminalSize> size, TimeSpan? redrawEvery)
    {
        _out = output;
        _clock = clock;
        _size = size;
        _start = clock();
        if (redrawEvery is { } period)
            _timer = new Timer(_ => Redraw(), null, TimeSpan.Zero, period);
    }

    /// <summary>The view on the console: a real clock, the console's size, ten frames a second at most.</summary>
    public static TtyBuildProgress ForConsole(TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        return new TtyBuildProgress(output, () => clock.Elapsed, TerminalSize.OfConsole, TimeSpan.FromMilliseconds(100));
    }

    public void Started(BuildStep step)
    {
        lock (_gate)
            _ = Row(step);
    }

    public void Cached(BuildStep step)
    {
        lock (_gate)
        {
            var row = Row(step);
            row.End(TtyRowState.Cached, _clock() - row.Started);
        }
    }

    public void Output(BuildStep step, string line)
    {
        lock (_gate)
            Row(step).Add(line);
    }

    public void Completed(BuildStep step, TimeSpan elapsed)
    {
        lock (_gate)
            Row(step).End(TtyRowState.Done, elapsed);
    }

    public void Failed(BuildStep step, string error)
    {
        // the error itself is printed once the view has ended, as the command's error line; the step keeps its output
        lock (_gate)
        {
            var row = Row(step);
            row.End(TtyRowState.Failed, _clock() - row.Started);
        }
    }

    public void Message(string text)
    {
        lock (_gate)
        {
            if (!_ended)
                _rows.Add(new TtyRow(text, TtyRowState.Message, _clock()));
        }
    }

    /// <summary>Kept for the end: a frame shows a step's lines only while it runs, and findings must stay on screen.</summary>
    public void Finding(BuildStep step, VerifyFinding finding)
    {
        lock (_gate)
            _findings.Add(finding);
    }

    /// <summary>Draws one live frame now (the timer calls this; tests call it instead of waiting).</summary>
    public void Redraw()
    {
        lock (_gate)
        {
            if (!_ended)
                Draw(_clock(), final: false);
        }
    }

    /// <summary>Ends the view: steps still running are marked cancelled, the full last frame stays, the cursor shows again.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_ended)
                return;
            _ended = true;
            var now = _clock();
            foreach (var row in _rows)
                row.End(TtyRowState.Canceled, row.Time(now));
            Draw(now, final: true);
            WriteFindings();
        }
        // a tick already waiting for the lock sees _ended and draws nothing
        _timer?.Dispose();
    }

    /// <summary>Below the last frame, as <c>distill verify</c> prints them.</summary>
    private void WriteFindings()
    {
        if (_findings.Count == 0)
            return;
        try
        {
            _out.Write(string.Concat(_findings.Select(f => TerminalText.Clean(f.ToString()) + "\n")));
            _out.Flush();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // stderr went away: nothing to print on
        }
    }

    private TtyRow Row(BuildStep step)
    {
        if (!_steps.TryGetValue(step.Id, out var row))
        {
            row = TtyRow.ForStep(step, _clock());
            _steps[step.Id] = row;
            if (!_ended)
                _rows.Add(row);
        }
        return row;
    }

    private void Draw(TimeSpan now, bool final)
    {
        var lines = TtyFrame.Render(_rows, now - _start, _size(), final);
        var frame = new StringBuilder();
        if (!_cursorHidden && !final)
        {
            frame.Append(HideCursor);
            _cursorHidden = true;
        }
        // back to the start of the previous frame, then overwrite each line and erase what is left of it and below
        if (_drawnLines > 0)
            frame.Append("\u001b[").Append(_drawnLines).Append('A');
        frame.Append('\r');
        foreach (var line in lines)
            frame.Append(line).Append("\u001b[K\n");
        frame.Append("\u001b[J");
        if (final && _cursorHidden)
            frame.Append(ShowCursor);
        try
        {
            _out.Write(frame.ToString());
            _out.Flush();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // stderr went away (a closed pipe): nothing left to draw on, and the build goes on
            _ended = true;
        }
        _drawnLines = lines.Count;
    }
}
