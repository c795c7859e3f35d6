using System.Diagnostics;

namespace Distill.Tests.Support;

/// <summary>
/// A private Debian <c>dockerd</c> (its own data root, exec root and socket under a temp dir; no iptables, no bridge)
/// for interop tests, driven through <c>/usr/bin/docker</c> (the Debian client; <c>/usr/local/bin/docker</c> is another one).
/// Loopback registries are insecure by default for Docker, so it pushes to and pulls from them over plain HTTP.
/// </summary>
public sealed class DockerEngine : IAsyncDisposable
{
    private readonly Process _daemon;
    private readonly TempDir _root;

    private DockerEngine(Process daemon, TempDir root)
    {
        _daemon = daemon;
        _root = root;
    }

    public string Socket => _root["docker.sock"];

    public static async Task<DockerEngine> StartAsync(CancellationToken ct)
    {
        var dockerd = Tool.Require("dockerd", "docker.io");
        Tool.Require("docker", "docker.io");
        var root = new TempDir();
        var info = new ProcessStartInfo(dockerd)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--data-root", root["data"], "--exec-root", root["exec"], "--pidfile", root["docker.pid"],
                     "--host", "unix://" + root["docker.sock"], "--iptables=false", "--bridge=none" })
            info.ArgumentList.Add(arg);
        var daemon = Process.Start(info)!;
        _ = daemon.StandardOutput.ReadToEndAsync(ct);
        _ = daemon.StandardError.ReadToEndAsync(ct);
        var engine = new DockerEngine(daemon, root);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (daemon.HasExited)
                Assert.Fail($"dockerd exited with {daemon.ExitCode} before it was ready");
            if (File.Exists(engine.Socket) && (await engine.RunAsync(["version", "--format", "{{.Server.Version}}"])).ExitCode == 0)
                return engine;
            if (DateTime.UtcNow > deadline)
                Assert.Fail("dockerd did not become ready within 60 s");
            await Task.Delay(250, ct);
        }
    }

    public Task<Tool.Result> RunAsync(IEnumerable<string> args, string? stdin = null) =>
        Tool.RunAsync("/usr/bin/docker", args, stdin, new Dictionary<string, string> { ["DOCKER_HOST"] = "unix://" + Socket }, timeoutSeconds: 180);

    /// <summary>Runs the client with extra environment (e.g. <c>DOCKER_BUILDKIT=1</c>) in <paramref name="workingDirectory"/>.</summary>
    public Task<Tool.Result> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, string? workingDirectory = null)
    {
        var env = new Dictionary<string, string>(environment) { ["DOCKER_HOST"] = "unix://" + Socket };
        return Tool.RunAsync("/usr/bin/docker", args, env: env, workingDirectory: workingDirectory, timeoutSeconds: 300);
    }

    public async Task<Tool.Result> RunOkAsync(params string[] args)
    {
        var result = await RunAsync(args);
        if (result.ExitCode != 0)
            Assert.Fail($"docker {string.Join(' ', args)} exited {result.ExitCode}:\n{result.All}");
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_daemon.HasExited)
        {
            // SIGTERM lets dockerd unmount its data root; SIGKILL only if it does not stop in time
            await Tool.RunAsync("/bin/kill", ["-TERM", _daemon.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await _daemon.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _daemon.Kill(entireProcessTree: true);
                await _daemon.WaitForExitAsync();
            }
        }
        _daemon.Dispose();
        // dockerd bind-mounts its data root onto itself; lift whatever mount is left before deleting the directory
        foreach (var line in File.ReadAllLines("/proc/self/mounts").Reverse())
        {
            var target = line.Split(' ')[1];
            if (target.StartsWith(_root.Path, StringComparison.Ordinal))
                await Tool.RunAsync("umount", ["-l", target]);
        }
        _root.Dispose();
    }
}
