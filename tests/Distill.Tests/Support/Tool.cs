using System.Diagnostics;
using System.Text;

namespace Distill.Tests.Support;

/// <summary>
/// Runs real programs (skopeo, umoci, runc, podman, …). A missing tool fails the test with the package to
/// install: tests never skip (./test.sh installs everything they need).
/// </summary>
public static class Tool
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public string All => Stdout + Stderr;
    }

    public static string Require(string name, string package)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/sbin", "/usr/bin"]))
        {
            var path = System.IO.Path.Combine(dir, name);
            if (File.Exists(path))
                return path;
        }
        Assert.Fail($"{name} is not installed: apt-get install {package} (./test.sh installs it)");
        return "";
    }

    /// <summary>How tests start a tool: all three streams redirected, arguments as given, extra environment variables.</summary>
    public static ProcessStartInfo StartInfo(string file, IEnumerable<string> args, IDictionary<string, string>? env, string? workingDirectory)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        if (env is not null)
        {
            foreach (var (k, v) in env)
                info.Environment[k] = v;
        }
        return info;
    }

    public static async Task<Result> RunAsync(string file, IEnumerable<string> args, string? stdin = null,
        IDictionary<string, string>? env = null, string? workingDirectory = null, int timeoutSeconds = 120)
    {
        using var process = Process.Start(StartInfo(file, args, env, workingDirectory))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
            await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', args)} timed out after {timeoutSeconds}s");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs and asserts exit code 0, showing the output otherwise.</summary>
    public static async Task<Result> RunOkAsync(string file, IEnumerable<string> args, string? stdin = null,
        IDictionary<string, string>? env = null, string? workingDirectory = null, int timeoutSeconds = 120)
    {
        var list = args.ToList();
        var result = await RunAsync(file, list, stdin, env, workingDirectory, timeoutSeconds);
        if (result.ExitCode != 0)
            Assert.Fail($"{file} {string.Join(' ', list)} exited {result.ExitCode}:\n{result.All}");
        return result;
    }

    public static string Quote(IEnumerable<string> args)
    {
        var sb = new StringBuilder();
        foreach (var a in args)
            sb.Append(' ').Append(a.Contains(' ', StringComparison.Ordinal) ? $"'{a}'" : a);
        return sb.ToString();
    }
}
