using Distill.Build;

namespace Distill.Cli;

/// <summary>One row of the live build view: a step (running, done, cached, failed or cancelled) or a message, with the last lines its step printed.</summary>
internal sealed class TtyRow(string title, TtyRowState state, TimeSpan started)
{
    /// <summary>How many of a step's last output lines are shown under it while it runs (and after it fails).</summary>
    public const int TailLines = 6;

    private readonly Queue<string> _tail = new();

    public string Title { get; } = TerminalText.Clean(title);
    public TtyRowState State { get; private set; } = state;
    public TimeSpan Started { get; } = started;
    public TimeSpan? Elapsed { get; private set; }
    public IReadOnlyCollection<string> Tail => _tail;

    public static TtyRow ForStep(BuildStep step, TimeSpan now) => new(step.ToString(), TtyRowState.Running, now);

    /// <summary>Keeps the line if it shows anything, dropping the oldest beyond <see cref="TailLines"/>.</summary>
    public void Add(string line)
    {
        var clean = TerminalText.Clean(line);
        if (string.IsNullOrWhiteSpace(clean))
            return;
        _tail.Enqueue(clean);
        if (_tail.Count > TailLines)
            _tail.Dequeue();
    }

    /// <summary>Ends a running step; a step that has ended stays as it ended.</summary>
    public void End(TtyRowState state, TimeSpan elapsed)
    {
        if (State != TtyRowState.Running)
            return;
        State = state;
        Elapsed = elapsed < TimeSpan.Zero ? TimeSpan.Zero : elapsed;
    }

    /// <summary>How long the step has taken: its final time once ended, else the time since it started.</summary>
    public TimeSpan Time(TimeSpan now) => Elapsed ?? (now > Started ? now - Started : TimeSpan.Zero);

    public bool Finished => State is TtyRowState.Done or TtyRowState.Cached or TtyRowState.Failed or TtyRowState.Canceled;
}
