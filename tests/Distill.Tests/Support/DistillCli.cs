namespace Distill.Tests.Support;

/// <summary>
/// Runs the real CLI (the distill.dll built beside the tests) as a separate process, with its own local store,
/// so CLI tests see exactly what users see and stay parallel-safe.
/// </summary>
public sealed class DistillCli(string store)
{
    public string Store { get; } = store;

    public static string Dll => Path.Combine(AppContext.BaseDirectory, "distill.dll");

    public Task<Tool.Result> RunAsync(params string[] args) => RunAsync(args, null);

    public Task<Tool.Result> RunAsync(IEnumerable<string> args, IDictionary<string, string>? env, string? workingDirectory = null, int timeoutSeconds = 120)
    {
        var environment = new Dictionary<string, string> { ["DISTILL_STORE"] = Store };
        if (env is not null)
        {
            foreach (var (k, v) in env)
                environment[k] = v;
        }
        return Tool.RunAsync("dotnet", new[] { "exec", Dll }.Concat(args), env: environment, workingDirectory: workingDirectory, timeoutSeconds: timeoutSeconds);
    }

    /// <summary>Starts the CLI without waiting for it (for tests that signal it midway); the caller disposes the process.</summary>
    public BackgroundProcess Start(IEnumerable<string> args, string? workingDirectory = null) =>
        BackgroundProcess.Start("dotnet", new[] { "exec", Dll }.Concat(args), new Dictionary<string, string> { ["DISTILL_STORE"] = Store }, workingDirectory);

    /// <summary>Runs with <paramref name="stdin"/> as standard input (not a terminal).</summary>
    public Task<Tool.Result> RunWithInputAsync(string stdin, IEnumerable<string> args, IDictionary<string, string>? env = null)
    {
        var environment = new Dictionary<string, string> { ["DISTILL_STORE"] = Store };
        if (env is not null)
        {
            foreach (var (k, v) in env)
                environment[k] = v;
        }
        return Tool.RunAsync("dotnet", new[] { "exec", Dll }.Concat(args), stdin, environment);
    }

    public async Task<Tool.Result> RunOkAsync(params string[] args)
    {
        var result = await RunAsync(args);
        if (result.ExitCode != 0)
            Assert.Fail($"distill {string.Join(' ', args)} exited {result.ExitCode}:\n{result.All}");
        return result;
    }
}
