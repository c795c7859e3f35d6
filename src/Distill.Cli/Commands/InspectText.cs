using System.Globalization;
using System.Text;
using Distill.Analysis.Inspect;
using Distill.Analysis.Inventory;

namespace Distill.Cli.Commands;

/// <summary>The human output of <c>distill inspect</c>: identity and config, layers table, totals, largest paths, wasted space, attack surface.</summary>
internal static class InspectText
{
    private const int CreatedByWidth = 70;
    private static readonly string[] LayerHeader = ["#", "DIGEST", "COMPRESSED", "UNCOMPRESSED", "FILES", "ENTRIES", "CREATED BY"];
    private static readonly string[] WastedHeader = ["BYTES", "VERSIONS", "PATH"];

    public static string Render(ImageInspection inspection)
    {
        var text = new StringBuilder();
        var config = inspection.Config;
        Field(text, "Image", inspection.Reference);
        Field(text, "Digest", inspection.Digest.ToString());
        Field(text, "Platform", inspection.Platform.ToString());
        if (inspection.Created is { } created)
            Field(text, "Created", created);
        Field(text, "Entrypoint", Command(config.Entrypoint));
        Field(text, "Cmd", Command(config.Cmd));
        Field(text, "User", string.IsNullOrEmpty(config.User) ? "(none: root)" : config.User);
        if (!string.IsNullOrEmpty(config.WorkingDir))
            Field(text, "WorkingDir", config.WorkingDir);
        foreach (var (env, i) in (config.Env ?? []).Select((e, i) => (e, i)))
            Field(text, i == 0 ? "Env" : "", env);
        if (config.ExposedPorts is { Count: > 0 } ports)
            Field(text, "Ports", string.Join(", ", ports.Keys.Order(StringComparer.Ordinal)));

        text.Append("\nLayers\n");
        var rows = new List<string[]> { LayerHeader };
        rows.AddRange(inspection.Layers.Select(l => new[]
        {
            l.Index.ToString(CultureInfo.InvariantCulture), l.Digest.ToString()[..Math.Min(19, l.Digest.ToString().Length)],
            CommandRunner.HumanSize(l.CompressedSize), CommandRunner.HumanSize(l.UncompressedSize), CommandRunner.HumanSize(l.FilesSize),
            l.EntryCount.ToString(CultureInfo.InvariantCulture), Shorten(l.CreatedBy ?? "", CreatedByWidth),
        }));
        Table(text, rows, rightAligned: [2, 3, 4, 5]);

        var fs = inspection.Filesystem;
        text.Append(CultureInfo.InvariantCulture, $"\nTotal: {inspection.Layers.Count} layer{(inspection.Layers.Count == 1 ? "" : "s")}, {CommandRunner.HumanSize(inspection.CompressedSize)} compressed, {CommandRunner.HumanSize(inspection.UncompressedSize)} uncompressed; final filesystem {CommandRunner.HumanSize(fs.FilesSize)} in {fs.FileCount} files, {fs.DirectoryCount} directories, {fs.SymlinkCount} symlinks\n");
        Sized(text, "Largest files", fs.LargestFiles);
        Sized(text, "Largest directories", fs.LargestDirectories);

        var wasted = inspection.Wasted;
        text.Append(CultureInfo.InvariantCulture, $"\nWasted space: {CommandRunner.HumanSize(wasted.Bytes)} in {wasted.PathCount} paths written more than once or removed; efficiency {wasted.Efficiency * 100:0.00} %\n");
        if (wasted.Largest.Count > 0)
        {
            var wastedRows = new List<string[]> { WastedHeader };
            wastedRows.AddRange(wasted.Largest.Select(p => new[] { CommandRunner.HumanSize(p.Bytes), p.Versions.ToString(CultureInfo.InvariantCulture), p.Path }));
            Table(text, wastedRows, rightAligned: [0, 1]);
        }

        text.Append("\nAttack surface\n");
        foreach (var (kind, title) in new[]
        {
            (AttackSurfaceKind.Shell, "shells"), (AttackSurfaceKind.PackageManager, "package managers"), (AttackSurfaceKind.Setuid, "setuid/setgid"),
            (AttackSurfaceKind.WorldWritable, "world-writable"), (AttackSurfaceKind.Compiler, "compilers"), (AttackSurfaceKind.NetworkTool, "network tools"),
            (AttackSurfaceKind.Secret, "secrets"),
        })
        {
            var found = inspection.Findings(kind).ToList();
            text.Append(CultureInfo.InvariantCulture, $"  {title + ":",-18}{(found.Count == 0 ? "none" : found.Count.ToString(CultureInfo.InvariantCulture))}\n");
            foreach (var finding in found)
                text.Append(CultureInfo.InvariantCulture, $"    {Describe(finding)}\n");
        }
        text.Append(CultureInfo.InvariantCulture, $"  {"root user:",-18}{inspection.Findings(AttackSurfaceKind.RootUser).FirstOrDefault()?.Detail ?? "no"}\n");
        var packages = inspection.Packages.Distinct();
        var byType = string.Join(", ", packages.GroupBy(p => p.Type.PurlType()).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"));
        text.Append(CultureInfo.InvariantCulture, $"\nPackages: {(packages.Count == 0 ? "none" : $"{packages.Count} ({byType}); the list: --json or distill sbom")}\n");
        return text.ToString();
    }

    private static string Describe(AttackSurfaceFinding finding)
    {
        var where = finding.Presence switch
        {
            FilePresence.Deleted => $" (layer {finding.Layer}, deleted in a later layer: still shipped)",
            FilePresence.Replaced => $" (layer {finding.Layer}, replaced in a later layer: still shipped)",
            _ => "",
        };
        return $"{finding.Path}{where}{(finding.Detail.Length > 0 ? "  " + finding.Detail : "")}";
    }

    private static void Field(StringBuilder text, string name, string value) =>
        text.Append(CultureInfo.InvariantCulture, $"{name,-11} {value}\n");

    private static string Command(IReadOnlyList<string>? args) =>
        args is null or { Count: 0 } ? "-" : "[" + string.Join(", ", args.Select(a => "\"" + a + "\"")) + "]";

    private static void Sized(StringBuilder text, string title, IReadOnlyList<SizedPath> paths)
    {
        if (paths.Count == 0)
            return;
        text.Append(CultureInfo.InvariantCulture, $"\n{title}\n");
        var rows = new List<string[]>();
        rows.AddRange(paths.Select(p => new[] { CommandRunner.HumanSize(p.Size), p.Path }));
        Table(text, rows, rightAligned: [0]);
    }

    private static string Shorten(string value, int width)
    {
        value = value.ReplaceLineEndings(" ");
        return value.Length <= width ? value : value[..(width - 1)] + "…";
    }

    private static void Table(StringBuilder text, List<string[]> rows, int[] rightAligned)
    {
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
        {
            var cells = row.Select((cell, c) => c == row.Length - 1 ? cell : rightAligned.Contains(c) ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]));
            text.Append("  ").Append(string.Join("  ", cells).TrimEnd()).Append('\n');
        }
    }
}
