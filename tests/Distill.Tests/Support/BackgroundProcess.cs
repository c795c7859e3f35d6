using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Distill.Tests.Support;

/// <summary>
/// A program left running while the test watches its output and signals it (SIGTERM, SIGINT, SIGKILL), as a user
/// pressing Ctrl-C or a CI runner stopping a job would. Disposing kills whatever is still running.
/// </summary>
public sealed class BackgroundProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Task _stdout;
    private readonly Task _stderr;

    private BackgroundProcess(Process process)
    {
        _process = process;
        Id = process.Id;
        _stdout = PumpAsync(process.StandardOutput);
        _stderr = PumpAsync(process.StandardError);
    }

    /// <summary>The process id (still known after the process has exited or been disposed).</summary>
    public int Id { get; }

    /// <summary>Stdout and stderr so far, interleaved as they arrived.</summary>
    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    public static BackgroundProcess Start(string file, IEnumerable<string> args, IDictionary<string, string>? env = null, string? workingDirectory = null)
    {
        var process = Process.Start(Tool.StartInfo(file, args, env, workingDirectory))!;
        process.StandardInput.Close();
        return new BackgroundProcess(process);
    }

    /// <summary>Waits until the output contains <paramref name="text"/>; fails the test (with the output) if it exits or times out first.</summary>
    public async Task WaitForOutputAsync(string text, int timeoutSeconds)
    {
        var deadline = Stopwatch.StartNew();
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited)
            {
                await Task.WhenAll(_stdout, _stderr);
                if (Output.Contains(text, StringComparison.Ordinal))
                    return;
                Assert.Fail($"the process exited ({_process.ExitCode}) before printing \"{text}\":\n{Output}");
            }
            if (deadline.Elapsed > TimeSpan.FromSeconds(timeoutSeconds))
                Assert.Fail($"no \"{text}\" after {timeoutSeconds} s:\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>Sends a signal by name (TERM, INT, KILL) with kill(1).</summary>
    public async Task SignalAsync(string signal) =>
        await Tool.RunOkAsync("/bin/kill", [$"-{signal}", _process.Id.ToString(CultureInfo.InvariantCulture)]);

    /// <summary>Waits for the exit and returns the exit code; fails the test if it does not exit in time.</summary>
    public async Task<int> WaitForExitAsync(int timeoutSeconds)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the process did not exit within {timeoutSeconds} s:\n{Output}");
        }
        await Task.WhenAll(_stdout, _stderr);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }

    private async Task PumpAsync(StreamReader reader)
    {
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            lock (_output)
                _output.Append(buffer, 0, read);
        }
    }
}
