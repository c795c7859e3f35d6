using System.CommandLine;
using System.Globalization;
using Distill.Build;
using Distill.Dockerfile;
using Distill.Oci;

namespace Distill.Cli.Commands;

/// <summary>
/// <c>distill builder du</c> and <c>distill builder prune</c>: the build cache under <c>STORE/build</c> seen and
/// freed, with docker's names (<c>docker buildx du</c>, <c>docker builder prune</c>).
/// </summary>
internal static class BuilderCommand
{
    private static readonly (BuildCacheKind Kind, string Name)[] Kinds =
    [
        (BuildCacheKind.StepSnapshot, "Step snapshots"), (BuildCacheKind.BaseLayer, "Base layers"),
        (BuildCacheKind.CompressedLayer, "Compressed layers"), (BuildCacheKind.CacheMount, "Cache mounts"), (BuildCacheKind.Other, "Other"),
    ];

    private static readonly string[] Header = ["TYPE", "ENTRIES", "SIZE", "RECLAIMABLE"];
    private static readonly string[] VerboseHeader = ["ID", "TYPE", "SIZE", "SHARED", "LAST USED", "RECLAIMABLE"];

    public static Command Create() => new("builder", "Manage the build cache") { Du(), Prune() };

    private static Command Du()
    {
        var verbose = new Option<bool>("--verbose", "-v") { Description = "List every cache entry" };
        var command = new Command("du", "Show the build cache's disk usage (bytes on disk: st_blocks x 512, hard links once)") { verbose };
        command.SetAction((result, ct) => CommandRunner.RunAsync(() =>
        {
            var entries = BuildCache.Usage(LocalStore.Default);
            var now = DateTimeOffset.UtcNow;
            if (result.GetValue(verbose))
            {
                var list = new List<string[]> { VerboseHeader };
                list.AddRange(entries.OrderByDescending(e => e.LastUsed).Select(e => new[]
                {
                    e.Id, Kinds.First(k => k.Kind == e.Kind).Name, CommandRunner.HumanSize(e.Size), CommandRunner.HumanSize(e.Shared), Ago(now - e.LastUsed), e.Reclaimable ? "true" : "false",
                }));
                Print(list);
                Console.WriteLine();
            }
            var rows = new List<string[]> { Header };
            foreach (var (kind, name) in Kinds)
            {
                var of = entries.Where(e => e.Kind == kind).ToList();
                rows.Add([name, of.Count.ToString(CultureInfo.InvariantCulture), CommandRunner.HumanSize(of.Sum(e => e.Size)),
                    CommandRunner.HumanSize(of.Where(e => e.Reclaimable).Sum(e => e.Size))]);
            }
            Print(rows);
            Console.WriteLine($"Shared:      {CommandRunner.HumanSize(entries.Sum(e => e.Shared))} (compressed layers the store's images hold too: not in the sizes)");
            Console.WriteLine($"Reclaimable: {CommandRunner.HumanSize(entries.Where(e => e.Reclaimable).Sum(e => e.Size))}");
            Console.WriteLine($"Total:       {CommandRunner.HumanSize(entries.Sum(e => e.Size))}");
            return Task.FromResult(0);
        }));
        return command;
    }

    private static Command Prune()
    {
        var all = new Option<bool>("--all", "-a") { Description = "Remove all build cache, not only what no image of the store uses" };
        var filter = new Option<string[]>("--filter") { Description = "Provide filter values (until=DURATION: only cache last used longer ago, e.g. 24h)" };
        var keep = new Option<string?>("--keep-storage") { Description = "Amount of disk space to keep for cache (least recently used goes first)" };
        var force = new Option<bool>("--force", "-f") { Description = "Do not prompt for confirmation" };
        var command = new Command("prune", "Remove build cache") { all, filter, keep, force };
        command.SetAction((result, ct) => CommandRunner.RunAsync(async () =>
        {
            var options = new BuildCachePruneOptions
            {
                All = result.GetValue(all),
                Until = Until(result.GetValue(filter) ?? []),
                KeepStorage = result.GetValue(keep) is { } size ? ByteSize.Parse(size) : null,
            };
            if (!result.GetValue(force))
            {
                Console.Write(options.All
                    ? "WARNING! This will remove all build cache. Are you sure you want to continue? [y/N] "
                    : "WARNING! This will remove all dangling build cache. Are you sure you want to continue? [y/N] ");
                var answer = (await Console.In.ReadLineAsync(ct))?.Trim();
                if (!string.Equals(answer, "y", StringComparison.OrdinalIgnoreCase) && !string.Equals(answer, "yes", StringComparison.OrdinalIgnoreCase))
                    return 0;
            }
            var reclaimed = BuildCache.Prune(LocalStore.Default, options);
            Console.WriteLine($"Total reclaimed space: {CommandRunner.HumanSize(reclaimed)}");
            return 0;
        }));
        return command;
    }

    private static TimeSpan? Until(string[] filters)
    {
        TimeSpan? until = null;
        foreach (var f in filters)
        {
            var eq = f.IndexOf('=', StringComparison.Ordinal);
            var (key, value) = eq < 0 ? (f, "") : (f[..eq], f[(eq + 1)..]);
            if (key != "until")
                throw new FormatException($"--filter {f}: unsupported filter (use until=DURATION, e.g. until=24h)");
            if (!GoDuration.TryParse(value, out var duration))
                throw new FormatException($"--filter {f}: invalid duration (use Go's format: 30m, 24h, 1h30m)");
            until = duration;
        }
        return until;
    }

    /// <summary>As docker prints times: "5 minutes ago".</summary>
    private static string Ago(TimeSpan age) => age.TotalSeconds switch
    {
        < 1 => "Less than a second ago",
        < 60 => Plural((int)age.TotalSeconds, "second"),
        < 3600 => Plural((int)age.TotalMinutes, "minute"),
        < 172800 => Plural((int)age.TotalHours, "hour"),
        _ => Plural((int)age.TotalDays, "day"),
    };

    private static string Plural(int n, string unit) =>
        n == 1 ? $"{(unit == "hour" ? "About an" : "1")} {unit} ago" : FormattableString.Invariant($"{n} {unit}s ago");

    private static void Print(List<string[]> rows)
    {
        var widths = Enumerable.Range(0, rows[0].Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        foreach (var row in rows)
            Console.WriteLine(string.Join("   ", row.Select((c, i) => i == row.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd());
    }
}
