using System.Globalization;
using System.Text.Json.Nodes;

namespace Distill.Tests.Support;

/// <summary>
/// What a build that was stopped could leave behind: mounts (overlay snapshots, bind mounts) under a directory, OCI
/// runtime containers of a given build process, and processes still running a RUN step.
/// </summary>
public static class BuildLeftovers
{
    /// <summary>The engine's runtime state root (<c>runc --root</c>); container ids are <c>distill-PID-N</c>.</summary>
    public const string RuntimeRoot = "/run/distill/runtime";

    /// <summary>Mount points at or below <paramref name="directory"/> (octal escapes in /proc/self/mounts decoded).</summary>
    public static IReadOnlyList<string> MountsUnder(string directory)
    {
        var root = Path.GetFullPath(directory).TrimEnd('/');
        return File.ReadAllLines("/proc/self/mounts")
            .Select(line => Unescape(line.Split(' ')[1]))
            .Where(target => target == root || target.StartsWith(root + "/", StringComparison.Ordinal))
            .ToList();
    }

    /// <summary>Containers (id and status) that <c>runc --root RuntimeRoot list</c> shows for the build process <paramref name="pid"/>.</summary>
    public static async Task<IReadOnlyList<string>> ContainersOfAsync(int pid, string runtime = "runc")
    {
        var prefix = string.Create(CultureInfo.InvariantCulture, $"distill-{pid}-");
        var found = new List<string>();
        if (Directory.Exists(RuntimeRoot))
        {
            var list = await Tool.RunOkAsync(Tool.Require(runtime, runtime), ["--root", RuntimeRoot, "list", "--format", "json"]);
            var text = list.Stdout.Trim();
            if (text is not ("" or "null"))
            {
                foreach (var container in JsonNode.Parse(text)!.AsArray())
                {
                    var id = container!["id"]!.GetValue<string>();
                    if (id.StartsWith(prefix, StringComparison.Ordinal))
                        found.Add($"{id} ({container["status"]})");
                }
            }
            // a state directory runc no longer lists is a leftover too
            found.AddRange(Directory.EnumerateDirectories(RuntimeRoot).Select(Path.GetFileName)
                .Where(id => id!.StartsWith(prefix, StringComparison.Ordinal) && !found.Any(f => f.StartsWith(id + " ", StringComparison.Ordinal)))
                .Select(id => $"{id} (state directory only)"));
        }
        return found;
    }

    /// <summary>Processes whose command line contains <paramref name="marker"/> (a RUN step still running).</summary>
    public static IReadOnlyList<string> ProcessesWith(string marker)
    {
        var found = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            var pid = Path.GetFileName(dir);
            if (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                continue;
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains(marker, StringComparison.Ordinal))
                    found.Add($"{pid}: {cmdline}");
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return found;
    }

    /// <summary>
    /// Removes what a SIGKILLed build left (its containers, then mounts under <paramref name="directory"/>, deepest first), so
    /// a failing test does not leak into the machine. Returns nothing: call it in <c>finally</c>.
    /// </summary>
    public static async Task ForceCleanAsync(int pid, string directory)
    {
        foreach (var container in await ContainersOfAsync(pid))
            await Tool.RunAsync(Tool.Require("runc", "runc"), ["--root", RuntimeRoot, "delete", "--force", container.Split(' ')[0]]);
        foreach (var target in MountsUnder(directory).OrderByDescending(t => t.Length))
            await Tool.RunAsync("umount", ["-l", target]);
    }

    private static string Unescape(string field) =>
        field.Replace("\\040", " ", StringComparison.Ordinal).Replace("\\011", "\t", StringComparison.Ordinal)
            .Replace("\\012", "\n", StringComparison.Ordinal).Replace("\\134", "\\", StringComparison.Ordinal);
}
