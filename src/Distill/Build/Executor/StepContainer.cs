using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Distill.Build;

/// <summary>
/// Runs one RUN step in an OCI runtime (runc or crun): writes the runtime-spec <c>config.json</c> for the mounted root
/// filesystem (Docker's default capabilities, <c>/proc</c>, <c>/sys</c>, <c>/dev</c>, the host's DNS files, the step's
/// mounts) and runs it with stdin closed, handing every output line to the caller. Containers live under a state root
/// of Distill's own, named after this process, so a later build can remove what a killed one left.
/// </summary>
internal static class StepContainer
{
    public const string StateRoot = "/run/distill/runtime";
    private static int s_counter;
    private static readonly string[] BaseNamespaces = ["pid", "ipc", "uts", "mount"];

    /// <summary>Docker's default capability set (moby's oci/caps/defaults.go): apt and friends need SETUID/SETGID, CHOWN, DAC_OVERRIDE.</summary>
    internal static readonly string[] DefaultCapabilities =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID",
        "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    public static async Task<int> RunAsync(StepProcess step, string rootfs, string bundle, string runtime, Action<string> output, CancellationToken ct)
    {
        var runtimePath = FindRuntime(runtime);
        Directory.CreateDirectory(bundle);
        await File.WriteAllTextAsync(Path.Combine(bundle, "config.json"), Spec(step, rootfs).ToJsonString(), ct);
        var id = string.Create(CultureInfo.InvariantCulture, $"distill-{Environment.ProcessId}-{Interlocked.Increment(ref s_counter)}");
        // one pipe for runc's stdout and stderr (runc's own errors land in the output tail); runc itself copies the
        // container's two streams through pipes of its own, so their lines keep their order within a stream only
        var info = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "-c", "exec \"$0\" \"$@\" 2>&1", runtimePath, "--root", StateRoot, "run", "--bundle", bundle, id })
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new BuildException($"could not start {runtimePath}");
        process.StandardInput.Close();
        var lines = new object();
        void Emit(string? line)
        {
            if (line is null)
                return;
            lock (lines)
                output(line);
        }
        var stdout = PumpAsync(process.StandardOutput, Emit);
        var stderr = PumpAsync(process.StandardError, Emit);
        try
        {
            await process.WaitForExitAsync(ct);
            await Task.WhenAll(stdout, stderr);
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            await ToolAsync(runtimePath, ["--root", StateRoot, "kill", id, "KILL"], CancellationToken.None);
            await process.WaitForExitAsync(CancellationToken.None);
            throw;
        }
        finally
        {
            await ToolAsync(runtimePath, ["--root", StateRoot, "delete", "--force", id], CancellationToken.None);
        }
    }

    /// <summary>Deletes containers of earlier builds whose process is gone (a build killed with SIGKILL).</summary>
    public static async Task CleanStaleAsync(string runtime)
    {
        if (!Directory.Exists(StateRoot))
            return;
        foreach (var dir in Directory.EnumerateDirectories(StateRoot))
        {
            var parts = Path.GetFileName(dir).Split('-');
            if (parts.Length == 3 && parts[0] == "distill" && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && !SnapshotStore.IsAlive(pid))
                await ToolAsync(FindRuntime(runtime), ["--root", StateRoot, "delete", "--force", Path.GetFileName(dir)]);
        }
    }

    private static async Task PumpAsync(StreamReader reader, Action<string?> emit)
    {
        while (await reader.ReadLineAsync() is { } line)
            emit(line);
    }

    internal static JsonObject Spec(StepProcess step, string rootfs)
    {
        var caps = new JsonArray(DefaultCapabilities.Select(c => (JsonNode)JsonValue.Create(c)).ToArray());
        var user = new JsonObject { ["uid"] = step.Uid, ["gid"] = step.Gid };
        if (step.AdditionalGids.Count > 0)
            user["additionalGids"] = new JsonArray(step.AdditionalGids.Select(g => (JsonNode)JsonValue.Create(g)).ToArray());
        var mounts = new List<JsonNode>
        {
            Mount("/proc", "proc", "proc", ["nosuid", "noexec", "nodev"]),
            Mount("/dev", "tmpfs", "tmpfs", ["nosuid", "strictatime", "mode=755", "size=65536k"]),
            Mount("/dev/pts", "devpts", "devpts", ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]),
            Mount("/dev/shm", "tmpfs", "shm", ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]),
            Mount("/dev/mqueue", "mqueue", "mqueue", ["nosuid", "noexec", "nodev"]),
            step.HostNetwork
                ? Mount("/sys", "bind", "/sys", ["rbind", "nosuid", "noexec", "nodev", "ro"])
                : Mount("/sys", "sysfs", "sysfs", ["nosuid", "noexec", "nodev", "ro"]),
        };
        foreach (var m in step.Mounts)
            mounts.Add(Mount(m.Destination, m.Type, m.Source, m.Options));
        var namespaces = new JsonArray(BaseNamespaces.Concat(step.HostNetwork ? [] : ["network"])
            .Select(n => (JsonNode)new JsonObject { ["type"] = n }).ToArray());
        return new JsonObject
        {
            ["ociVersion"] = "1.0.2",
            ["process"] = new JsonObject
            {
                ["terminal"] = false,
                ["user"] = user,
                ["args"] = Strings(step.Args),
                ["env"] = Strings(step.Env),
                ["cwd"] = step.Cwd,
                ["capabilities"] = new JsonObject
                {
                    ["bounding"] = caps.DeepClone(),
                    ["effective"] = caps.DeepClone(),
                    ["permitted"] = caps.DeepClone(),
                },
                ["noNewPrivileges"] = false,
            },
            ["root"] = new JsonObject { ["path"] = rootfs, ["readonly"] = false },
            ["hostname"] = step.Hostname,
            ["mounts"] = new JsonArray(mounts.ToArray()),
            ["linux"] = new JsonObject
            {
                ["namespaces"] = namespaces,
                ["resources"] = new JsonObject { ["devices"] = new JsonArray(new JsonObject { ["allow"] = false, ["access"] = "rwm" }) },
                ["maskedPaths"] = Strings(["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
                    "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"]),
                ["readonlyPaths"] = Strings(["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]),
            },
        };
    }

    private static JsonObject Mount(string destination, string type, string source, IReadOnlyList<string> options) => new()
    {
        ["destination"] = destination,
        ["type"] = type,
        ["source"] = source,
        ["options"] = Strings(options),
    };

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());

    internal static string FindRuntime(string name)
    {
        if (name is not ("runc" or "crun"))
            throw new BuildException($"--runtime {name}: use runc or crun");
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/sbin").Append("/usr/bin"))
        {
            var path = Path.Combine(dir, name);
            if (dir.Length > 0 && File.Exists(path))
                return path;
        }
        throw new BuildException($"OCI runtime {name} not found (apt-get install {name})");
    }

    /// <summary>Runs a runtime command (spec, kill, delete) to its end, output discarded; returns its exit code.</summary>
    internal static async Task<int> ToolAsync(string file, string[] args, CancellationToken ct = default)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        await Task.WhenAll(process.StandardOutput.ReadToEndAsync(ct), process.StandardError.ReadToEndAsync(ct));
        await process.WaitForExitAsync(ct);
        return process.ExitCode;
    }
}
