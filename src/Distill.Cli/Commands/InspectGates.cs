using System.Globalization;
using Distill.Analysis.Inspect;

namespace Distill.Cli.Commands;

/// <summary>
/// The CI gates of <c>distill inspect</c>: limits on size and wasted space, a floor on efficiency, and attack surface
/// kinds the image must not have. <see cref="Check"/> gives one line per failed gate (none: the image passes).
/// </summary>
internal sealed record InspectGates
{
    /// <summary>Most bytes of uncompressed layers (Σ tar lengths, what <c>uncompressedSize</c> shows).</summary>
    public long? MaxSize { get; init; }
    public long? MaxWasted { get; init; }
    /// <summary>Lowest dive efficiency allowed, 0 to 1.</summary>
    public double? MinEfficiency { get; init; }
    public IReadOnlySet<AttackSurfaceKind> FailOn { get; init; } = new HashSet<AttackSurfaceKind>();

    /// <summary>Parses <c>--fail-on</c> values, each a comma-separated list of kind ids.</summary>
    public static HashSet<AttackSurfaceKind> ParseKinds(IEnumerable<string> values) =>
        values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(AttackSurfaceKinds.Parse).ToHashSet();

    public IReadOnlyList<string> Check(ImageInspection inspection)
    {
        var reasons = new List<string>();
        if (MaxSize is { } maxSize && inspection.UncompressedSize > maxSize)
            reasons.Add($"size {Bytes(inspection.UncompressedSize)} (uncompressed) is over --max-size {Bytes(maxSize)}");
        if (MaxWasted is { } maxWasted && inspection.Wasted.Bytes > maxWasted)
            reasons.Add($"wasted space {Bytes(inspection.Wasted.Bytes)} is over --max-wasted {Bytes(maxWasted)}");
        if (MinEfficiency is { } minEfficiency && inspection.Wasted.Efficiency < minEfficiency)
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"efficiency {inspection.Wasted.Efficiency:0.####} is under --min-efficiency {minEfficiency:0.####}"));
        foreach (var kind in AttackSurfaceKinds.All.Select(AttackSurfaceKinds.Parse).Where(FailOn.Contains))
        {
            var found = inspection.Findings(kind).ToList();
            if (found.Count == 0)
                continue;
            if (kind == AttackSurfaceKind.RootUser)
            {
                reasons.Add($"root-user: {found[0].Detail}");
                continue;
            }
            var shown = string.Join(", ", found.Take(5).Select(f => f.Presence == FilePresence.Present ? f.Path : $"{f.Path} ({f.Presence.ToString().ToLowerInvariant()} after layer {f.Layer})"));
            reasons.Add($"{kind.Id()}: {found.Count} found: {shown}{(found.Count > 5 ? ", …" : "")}");
        }
        return reasons;
    }

    private static string Bytes(long bytes) => $"{CommandRunner.HumanSize(bytes)} ({bytes} bytes)";
}
