using Distill.Build;
using Distill.Cli;
using Distill.Tests.Support;

namespace Distill.Tests.Cli;

/// <summary>A <see cref="TtyBuildProgress"/> drawing into a string, with a clock and a terminal size the test sets, and no timer: frames are drawn when the test asks.</summary>
internal sealed class TtyViewHarness : IDisposable
{
    private int _nextId;

    public TtyViewHarness(int width = 60, int height = 0)
    {
        Size = new TerminalSize(width, height);
        Progress = new TtyBuildProgress(Output, () => Now, () => Size, redrawEvery: null);
    }

    public StringWriter Output { get; } = new();
    public TimeSpan Now { get; set; }
    public TerminalSize Size { get; set; }
    public TtyBuildProgress Progress { get; }

    public BuildStep Step(string stage, int index, int count, string text) => new(Interlocked.Increment(ref _nextId), stage, index, count, text);

    public void Advance(double seconds) => Now += TimeSpan.FromSeconds(seconds);

    /// <summary>Draws a frame and returns the screen as it then is.</summary>
    public AnsiScreen Frame()
    {
        Progress.Redraw();
        return Screen();
    }

    /// <summary>Ends the view and returns the screen it leaves.</summary>
    public AnsiScreen End()
    {
        Progress.Dispose();
        return Screen();
    }

    public AnsiScreen Screen() => AnsiScreen.Of(Output.ToString());

    /// <summary>A step line as the view lays it out: name on the left, time on the right, in width - 1 columns.</summary>
    public string Line(string left, string time) => left + new string(' ', Size.Width - 1 - left.Length - time.Length - 1) + " " + time;

    public void Dispose()
    {
        Progress.Dispose();
        Output.Dispose();
    }
}
