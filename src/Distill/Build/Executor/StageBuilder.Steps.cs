using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Distill.Dockerfile;
using Distill.Oci;

namespace Distill.Build;

internal sealed partial class StageBuilder
{
    private BuildStep? _currentStep;
    private static readonly string[] HostFiles = ["/etc/resolv.conf", "/etc/hosts"];
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> s_lockedCaches = new(StringComparer.Ordinal);

    /// <summary>
    /// A step that writes files: found in the cache by <paramref name="key"/>, or run on a writable overlay of the
    /// stage's snapshots whose upper directory becomes the step's snapshot (and later its layer).
    /// </summary>
    private async Task LayerStepAsync(Instruction at, string text, string key, Func<string, Workspace, Task> action, CancellationToken ct)
    {
        var step = _build.NewStep(_label, _stepIndex, _stepCount, text);
        _currentStep = step;
        _build.Progress.Started(step);
        var started = Stopwatch.GetTimestamp();
        // the same step in two stages runs once: the second waits and takes the first one's snapshot
        using var gate = await _build.LockStepAsync(key, ct);
        if ((!_build.Options.NoCache || _build.BuiltInThisBuild(key)) && _build.Snapshots.Find(key) is { } cached)
        {
            var empty = UpperDirDiff.IsEmpty(cached);
            _layers.Add(new StageLayer(key, null, empty));
            AddHistory(text, emptyLayer: empty);
            _key = key;
            _pendingWorkdirs.Clear();
            _build.CountCached();
            _build.Progress.Cached(step);
            return;
        }
        var lowers = await _build.SnapshotsOfAsync(_layers, ct);
        using var work = _build.Snapshots.CreateWorkspace("step");
        var rootfs = _build.Snapshotter.OpenWritable(lowers, work);
        string upper;
        try
        {
            MakeWorkdirs(rootfs, at);
            await action(rootfs, work);
        }
        catch (BuildException e)
        {
            _build.Progress.Failed(step, e.Message);
            throw;
        }
        finally
        {
            upper = _build.Snapshotter.CloseWritable(rootfs, lowers, work);
        }
        UpperDirDiff.PruneUnchangedDirectories(upper, lowers);
        var isEmpty = UpperDirDiff.IsEmpty(upper);
        _build.Snapshots.Commit(key, upper);
        _build.MarkBuilt(key);
        _layers.Add(new StageLayer(key, null, isEmpty));
        AddHistory(text, emptyLayer: isEmpty);
        _key = key;
        _pendingWorkdirs.Clear();
        _build.CountRun();
        _build.Progress.Completed(step, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>The pending WORKDIRs, for cache keys (null when there is none).</summary>
    private string? PendingWorkdirKey => _pendingWorkdirs.Count == 0 ? null : string.Join('\n', _pendingWorkdirs.Select(w => $"{w.Path}\0{w.User}"));

    /// <summary>
    /// Makes each pending WORKDIR as BuildKit's mkdir does: missing directories 0755, owned by the USER in effect at
    /// that WORKDIR; existing ones are left as they are.
    /// </summary>
    private void MakeWorkdirs(string rootfs, Instruction at)
    {
        var root = new SafeRoot(rootfs);
        foreach (var (path, user) in _pendingWorkdirs)
        {
            var (uid, gid) = string.IsNullOrEmpty(user) ? (0, 0) : ResolveUser(user, rootfs, at);
            var current = "";
            foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                current += "/" + part;
                var host = root.ResolveFully(current);
                if (Directory.Exists(host))
                    continue;
                Directory.CreateDirectory(host);
                File.SetUnixFileMode(host, (UnixFileMode)0x1ed);
                CopyNative.Chown(host, uid, gid);
            }
        }
    }

    private Task WorkdirLayerAsync(CancellationToken ct)
    {
        var path = _pendingWorkdirs[^1].Path;
        var key = CacheKey.Of(_key, "WORKDIR", PendingWorkdirKey);
        var at = _stage.Instructions.OfType<WorkdirInstruction>().Last();
        return LayerStepAsync(at, "WORKDIR " + path, key, (_, _) => Task.CompletedTask, ct);
    }

    private async Task RunAsync(RunInstruction run, CancellationToken ct)
    {
        _stepIndex++;
        if (run.Security is "insecure")
            throw new BuildException($"{Location(run)}: RUN --security=insecure needs the security.insecure entitlement, which distill build does not grant");
        var network = run.Network is null or "default" ? (_build.Options.HostNetwork ? "host" : "none") : run.Network;
        if (network is not ("host" or "none"))
            throw new BuildException($"{Location(run)}: RUN --network={run.Network}: use default, host or none");
        var (args, script) = RunArguments(run);
        var env = RunEnvironment();
        var c = _config.Config ?? new ContainerConfig();
        var cwd = string.IsNullOrEmpty(c.WorkingDir) ? "/" : c.WorkingDir;
        var mounts = run.Mounts.Select(m => m with { Target = m.Target is null ? null : Expand(m.Target), Source = m.Source is null ? null : Expand(m.Source), From = m.From is null ? null : Expand(m.From), Id = m.Id is null ? null : Expand(m.Id) }).ToList();
        var mountKey = string.Join('\n', mounts.Select(m => $"{m.Type}|{m.Target}|{m.Source}|{m.From}|{m.Id}|{m.ReadOnly}|{m.Mode}|{m.Uid}|{m.Gid}|{m.Env}|{m.Size}"));
        var fromKeys = new List<string>();
        foreach (var m in mounts.Where(m => m.From is not null && m.Type != "cache"))
            fromKeys.Add((await FromLayersAsync(m.From!, run, ct)).Key);
        var text = "RUN " + string.Join(' ', run.Command.Arguments);
        var key = CacheKey.Of(_key, ["RUN", .. args, "\0env", .. env, "\0", cwd, c.User, network, mountKey, script, PendingWorkdirKey, .. fromKeys]);
        await LayerStepAsync(run, text, key, async (rootfs, work) =>
        {
            var root = new SafeRoot(rootfs);
            Directory.CreateDirectory(root.ResolveFully(cwd));
            var (uid, gid) = ResolveUser(c.User, rootfs, run);
            var stepMounts = new List<StepMount>();
            var stubs = new List<string>();
            var processEnv = new List<string>(env);
            var locks = new List<SemaphoreSlim>();
            try
            {
                if (network == "host")
                {
                    foreach (var file in HostFiles)
                    {
                        if (File.Exists(file) && Directory.Exists(root.ResolveFully("/etc")))
                        {
                            Stub(root, file, directory: false, stubs);
                            stepMounts.Add(new StepMount(file, "bind", file, ["rbind", "ro"]));
                        }
                    }
                }
                if (script is not null)
                {
                    var dir = work.Sub("pipes");
                    var name = Path.GetFileName(args[0]);
                    await File.WriteAllTextAsync(Path.Combine(dir, name), script, ct);
                    File.SetUnixFileMode(Path.Combine(dir, name), (UnixFileMode)0x1ed);
                    Stub(root, "/dev/pipes", directory: true, stubs);
                    stepMounts.Add(new StepMount("/dev/pipes", "bind", dir, ["rbind", "ro"]));
                }
                var index = 0;
                foreach (var mount in mounts)
                    await AddMountAsync(mount, run, root, cwd, work, index++, stepMounts, stubs, processEnv, locks, ct);
                var tail = new Queue<string>();
                var step = _currentStep!;
                var exit = await StepContainer.RunAsync(new StepProcess
                {
                    Args = args,
                    Env = processEnv,
                    Cwd = cwd,
                    Uid = uid,
                    Gid = gid,
                    HostNetwork = network == "host",
                    Mounts = stepMounts,
                }, rootfs, work.Sub("bundle"), _build.Options.Runtime, line =>
                {
                    tail.Enqueue(line);
                    if (tail.Count > 20)
                        tail.Dequeue();
                    _build.Progress.Output(step, line);
                }, ct);
                if (exit != 0)
                {
                    throw new BuildException($"{Location(run)}: [{_label} {_stepIndex}/{_stepCount}] {text}: process \"{string.Join(' ', args)}\" did not complete successfully: exit code: {exit}")
                    {
                        OutputTail = [.. tail],
                    };
                }
            }
            finally
            {
                foreach (var gate in locks)
                    gate.Release();
                foreach (var point in Mounts.Below(work.Path).Where(p => p != rootfs))
                    Mounts.Unmount(point);
                RemoveStubs(stubs);
            }
        }, ct);
    }

    /// <summary>The RUN's argv, and the script of a single heredoc with a shebang (run as a file, as BuildKit does).</summary>
    private (List<string> Args, string? Script) RunArguments(RunInstruction run)
    {
        var heredocs = run.Node.Heredocs;
        if (!run.Command.ShellForm)
            return ([.. run.Command.Arguments], null);
        var command = string.Join(' ', run.Command.Arguments);
        if (heredocs.Count == 0)
            return ([.. _shell, command], null);
        var first = heredocs[0];
        var content = first.Chomp ? ChompTabs(first.Content) : first.Content;
        if (heredocs.Count == 1 && IsBareHeredoc(command, first.Name))
        {
            if (content.StartsWith("#!", StringComparison.Ordinal))
                return (["/dev/pipes/" + first.Name], content);
            return ([.. _shell, content], null);
        }
        var full = new StringBuilder(command);
        foreach (var heredoc in heredocs)
            full.Append('\n').Append(heredoc.Chomp ? ChompTabs(heredoc.Content) : heredoc.Content).Append(heredoc.Name);
        return ([.. _shell, full.ToString()], null);
    }

    private static bool IsBareHeredoc(string command, string name)
    {
        var word = command.Trim();
        if (!word.StartsWith("<<", StringComparison.Ordinal))
            return false;
        word = word[2..].TrimStart('-').Trim('"', '\'');
        return word == name;
    }

    private static string ChompTabs(string content) =>
        string.Join('\n', content.Split('\n').Select(l => l.TrimStart('\t')));

    private (int Uid, int Gid) ResolveUser(string? user, string rootfs, Instruction at)
    {
        try
        {
            return ContainerUser.Resolve(user, rootfs);
        }
        catch (InvalidImageException e)
        {
            throw new BuildException($"{Location(at)}: USER {user}: {e.Message}");
        }
    }

    private async Task AddMountAsync(RunMount mount, RunInstruction run, SafeRoot root, string cwd, Workspace work, int index,
        List<StepMount> mounts, List<string> stubs, List<string> env, List<SemaphoreSlim> locks, CancellationToken ct)
    {
        string TargetOr(string fallback) => mount.Target is null ? fallback : mount.Target.StartsWith('/') ? mount.Target : cwd.TrimEnd('/') + "/" + mount.Target;
        var options = new List<string> { "rbind" };
        switch (mount.Type)
        {
            case "cache":
            {
                var target = TargetOr("") is { Length: > 0 } t ? t : throw new BuildException($"{Location(run)}: RUN --mount=type=cache needs a target");
                var id = mount.Id ?? target;
                var dir = Path.Combine(_build.Snapshots.CacheMountsDirectory, SnapshotStore.IdOf("cache:" + id));
                if (!Directory.Exists(dir))
                {
                    var staging = dir + $".new-{Guid.NewGuid():N}";
                    Directory.CreateDirectory(staging);
                    File.SetUnixFileMode(staging, (UnixFileMode)ParseMode(mount.Mode, 0x1ed, run));
                    SafeRoot.LChown(staging, ParseId(mount.Uid, run), ParseId(mount.Gid, run));
                    try
                    {
                        Directory.Move(staging, dir);
                    }
                    catch (IOException)
                    {
                        Directory.Delete(staging);
                    }
                }
                SnapshotStore.MarkUsed(dir);
                if (mount.Sharing == "locked")
                {
                    var gate = s_lockedCaches.GetOrAdd(dir, _ => new SemaphoreSlim(1, 1));
                    await gate.WaitAsync(ct);
                    locks.Add(gate);
                }
                Stub(root, target, directory: true, stubs);
                mounts.Add(new StepMount(target, "bind", dir, [.. options, "rw"]));
                return;
            }
            case "tmpfs":
            {
                var target = TargetOr("") is { Length: > 0 } t ? t : throw new BuildException($"{Location(run)}: RUN --mount=type=tmpfs needs a target");
                Stub(root, target, directory: true, stubs);
                var tmpfs = new List<string> { "nosuid", "nodev" };
                if (mount.Size is not null)
                    tmpfs.Add("size=" + mount.Size);
                mounts.Add(new StepMount(target, "tmpfs", "tmpfs", tmpfs));
                return;
            }
            case "secret":
            {
                var id = mount.Id ?? (mount.Target is null ? null : Path.GetFileName(mount.Target))
                    ?? throw new BuildException($"{Location(run)}: RUN --mount=type=secret needs an id or a target");
                if (!_build.Options.Secrets.TryGetValue(id, out var secret))
                {
                    if (mount.Required)
                        throw new BuildException($"{Location(run)}: secret {id} not found (give it with --secret id={id},src=FILE)");
                    return;
                }
                var content = secret.Read(id);
                if (mount.Env is not null)
                {
                    env.RemoveAll(e => e.StartsWith(mount.Env + "=", StringComparison.Ordinal));
                    env.Add($"{mount.Env}={Encoding.UTF8.GetString(content)}");
                    if (mount.Target is null)
                        return;
                }
                var target = TargetOr("/run/secrets/" + id);
                var file = Path.Combine(work.Sub("secrets"), index.ToString(CultureInfo.InvariantCulture));
                await File.WriteAllBytesAsync(file, content, ct);
                File.SetUnixFileMode(file, (UnixFileMode)ParseMode(mount.Mode, 0x100, run));
                SafeRoot.LChown(file, ParseId(mount.Uid, run), ParseId(mount.Gid, run));
                Stub(root, target, directory: false, stubs);
                mounts.Add(new StepMount(target, "bind", file, [.. options, "ro"]));
                return;
            }
            case "bind":
            {
                var target = TargetOr("") is { Length: > 0 } t ? t : throw new BuildException($"{Location(run)}: RUN --mount=type=bind needs a target");
                string source;
                if (mount.From is not null)
                {
                    var from = await FromLayersAsync(mount.From, run, ct);
                    var view = await _build.MountReadOnlyAsync(from.Layers, work, "from" + index.ToString(CultureInfo.InvariantCulture), ct);
                    source = new SafeRoot(view).ResolveFully(mount.Source ?? "/");
                }
                else
                {
                    source = new SafeRoot(_build.Context.Directory).ResolveFully(mount.Source ?? ".");
                }
                if (!Path.Exists(source))
                    throw new BuildException($"{Location(run)}: RUN --mount=type=bind: source {mount.Source ?? "/"} not found");
                var readWrite = mount.ReadWrite;
                if (readWrite)
                {
                    var copy = Path.Combine(work.Sub("rw"), index.ToString(CultureInfo.InvariantCulture));
                    await CopyTreeAsync(source, copy, ct);
                    source = copy;
                }
                Stub(root, target, directory: Directory.Exists(source), stubs);
                mounts.Add(new StepMount(target, "bind", source, [.. options, readWrite ? "rw" : "ro"]));
                return;
            }
            case "ssh":
                throw new BuildException($"{Location(run)}: RUN --mount=type=ssh is not supported by distill build");
            default:
                throw new BuildException($"{Location(run)}: RUN --mount=type={mount.Type} is not a mount type");
        }
    }

    private static async Task CopyTreeAsync(string source, string target, CancellationToken ct)
    {
        var info = new ProcessStartInfo("cp") { UseShellExecute = false };
        foreach (var a in new[] { "-a", "--", source, target })
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
            throw new BuildException($"could not copy {source} for a read-write bind mount");
    }

    private int ParseMode(string? mode, int fallback, Instruction at) =>
        mode is null ? fallback : int.TryParse(mode, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? Convert.ToInt32(mode, 8)
            : throw new BuildException($"{Location(at)}: mode={mode} is not an octal mode");

    private int ParseId(string? id, Instruction at) =>
        id is null ? 0 : int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
            : throw new BuildException($"{Location(at)}: {id} is not a numeric uid/gid");

    /// <summary>Creates the mount point (and missing parents) for a mount, remembering what it made so that it can go again.</summary>
    private static void Stub(SafeRoot root, string target, bool directory, List<string> stubs)
    {
        var parts = TarEntryHeader.CleanName(target).Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 1; i <= parts.Length; i++)
        {
            var path = root.ResolveFully("/" + string.Join('/', parts[..i]));
            if (Path.Exists(path))
                continue;
            if (i < parts.Length || directory)
                Directory.CreateDirectory(path);
            else
                File.WriteAllBytes(path, []);
            stubs.Add(path);
        }
    }

    /// <summary>Removes the mount points a step made, deepest first, as long as they are still empty (the step may have used them).</summary>
    private static void RemoveStubs(List<string> stubs)
    {
        foreach (var path in stubs.AsEnumerable().Reverse())
        {
            try
            {
                if (Directory.Exists(path) && !Directory.EnumerateFileSystemEntries(path).Any())
                    Directory.Delete(path);
                else if (File.Exists(path) && new FileInfo(path).Length == 0)
                    File.Delete(path);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>The layers a <c>--from</c> names: an earlier stage (built first), or an image.</summary>
    private async Task<(IReadOnlyList<StageLayer> Layers, string Key, string Description)> FromLayersAsync(string from, Instruction at, CancellationToken ct)
    {
        var stage = _build.FindStage(from, _stage);
        if (stage is not null)
        {
            var output = await _build.StageAsync(stage.Index, ct);
            return (output.Layers, output.Key, "stage " + output.Name);
        }
        IImage image;
        try
        {
            image = await _build.ImageAsync(from, _build.Options.Platform, ct);
        }
        catch (Exception e) when (e is not (OperationCanceledException or BuildException))
        {
            throw new BuildException($"{Location(at)}: --from={from}: {e.Message}", e);
        }
        return (StageLayer.FromImage(image), "image:" + image.ManifestDescriptor.Digest, "image " + from);
    }
}
