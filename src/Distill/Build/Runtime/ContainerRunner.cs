using System.Diagnostics;
using System.Text.Json.Nodes;
using Distill.Oci;

namespace Distill.Build;

/// <summary>
/// Runs an image under a real OCI runtime: unpack the layers safely into a private bundle, write the runtime-spec
/// <c>config.json</c> (the runtime's own defaults from <c>runc spec</c>, then the image's entrypoint, command, env,
/// working directory and user), run it with this process's stdio, return its exit code, and remove everything.
/// </summary>
public static class ContainerRunner
{
    public static async Task<int> RunAsync(IImage image, RunOptions options, CancellationToken ct)
    {
        var runtime = StepContainer.FindRuntime(options.Runtime);
        var bundle = Path.Combine(Path.GetTempPath(), $"distill-run-{Guid.NewGuid():N}");
        var id = $"distill-{Guid.NewGuid():N}"[..20];
        try
        {
            var rootfs = Path.Combine(bundle, "rootfs");
            await RootfsUnpacker.UnpackAsync(image, rootfs, ct);
            var spec = await StepContainer.ToolAsync(runtime, ["spec", "--bundle", bundle], ct);
            if (spec != 0)
                throw new InvalidImageException($"{options.Runtime} spec failed with exit code {spec}");
            var configPath = Path.Combine(bundle, "config.json");
            var config = JsonNode.Parse(await File.ReadAllTextAsync(configPath, ct))!;
            Configure(config, image.Config, options, rootfs);
            await File.WriteAllTextAsync(configPath, config.ToJsonString(), ct);
            var info = new ProcessStartInfo(runtime) { UseShellExecute = false, RedirectStandardInput = !options.Interactive };
            foreach (var arg in new[] { "run", "--bundle", bundle, id })
                info.ArgumentList.Add(arg);
            using var process = Process.Start(info)!;
            if (!options.Interactive)
                process.StandardInput.Close();
            try
            {
                await process.WaitForExitAsync(ct);
            }
            catch (OperationCanceledException)
            {
                await StepContainer.ToolAsync(runtime, ["kill", id, "KILL"], CancellationToken.None);
                await process.WaitForExitAsync(CancellationToken.None);
                throw;
            }
            return process.ExitCode;
        }
        finally
        {
            await StepContainer.ToolAsync(runtime, ["delete", "--force", id], CancellationToken.None);
            try
            {
                if (Directory.Exists(bundle))
                    Directory.Delete(bundle, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static void Configure(JsonNode config, ImageConfig image, RunOptions options, string rootfs)
    {
        var c = image.Config ?? new ContainerConfig();
        var entrypoint = c.Entrypoint ?? [];
        var command = options.Arguments.Count > 0 ? options.Arguments : c.Cmd ?? [];
        var args = entrypoint.Concat(command).ToList();
        if (args.Count == 0)
            throw new InvalidImageException("the image has no entrypoint and no command, and none was given");
        var env = new List<string>(c.Env ?? ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]);
        foreach (var pair in options.Env)
        {
            var key = pair.Split('=')[0];
            env.RemoveAll(e => e.StartsWith(key + "=", StringComparison.Ordinal));
            env.Add(pair.Contains('=', StringComparison.Ordinal) ? pair : $"{pair}={Environment.GetEnvironmentVariable(pair)}");
        }
        var process = config["process"]!;
        process["terminal"] = false;
        process["args"] = new JsonArray(args.Select(a => (JsonNode)JsonValue.Create(a)).ToArray());
        process["env"] = new JsonArray(env.Select(e => (JsonNode)JsonValue.Create(e)).ToArray());
        process["cwd"] = options.WorkDir ?? (string.IsNullOrEmpty(c.WorkingDir) ? "/" : c.WorkingDir);
        var (uid, gid) = ContainerUser.Resolve(options.User ?? c.User, rootfs);
        process["user"] = new JsonObject { ["uid"] = uid, ["gid"] = gid };
        // docker run's default capability set (runc spec's is much smaller: apt, su and chown would fail)
        var caps = StepContainer.DefaultCapabilities.Select(c => (JsonNode)JsonValue.Create(c)).ToArray();
        process["capabilities"] = new JsonObject
        {
            ["bounding"] = new JsonArray(caps.Select(c => c.DeepClone()).ToArray()),
            ["effective"] = new JsonArray(caps.Select(c => c.DeepClone()).ToArray()),
            ["permitted"] = new JsonArray(caps.Select(c => c.DeepClone()).ToArray()),
        };
        process["noNewPrivileges"] = false;
        config["root"] = new JsonObject { ["path"] = "rootfs", ["readonly"] = false };
        config["hostname"] = "distill";
        if (options.HostNetwork && config["linux"]?["namespaces"] is JsonArray namespaces)
        {
            foreach (var ns in namespaces.Where(n => n?["type"]?.GetValue<string>() == "network").ToList())
                namespaces.Remove(ns);
        }
    }
}
