using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Distill.Oci;

namespace Distill.Tests.Build.Differential;

/// <summary>
/// What the differential tests compare of an image: its final file tree (whiteouts applied) as one line per path —
/// type, mode with the setuid/setgid/sticky bits, uid:gid, size, sha256 of the content, link target — and the runtime
/// config fields docker uses. Modification times are left out (the comparison excludes them), and so is everything
/// else of the config (history, created, rootfs). Lines are <c>KEY\tVALUE</c>, sorted by key (ordinal), so two
/// descriptions can be diffed by key. Hard links are shown as files, each member of a group carrying
/// <c>links=FIRST</c> (the group's smallest path), so the result does not depend on which name a tar stored first.
/// Absent and <c>null</c> config fields read the same (both are "not set" to docker); nothing else is normalised.
/// </summary>
public sealed record ImageDescription(IReadOnlyList<string> Lines)
{
    private static readonly string[] ConfigFields =
        ["Cmd", "Entrypoint", "Env", "ExposedPorts", "Healthcheck", "Labels", "StopSignal", "User", "Volumes", "WorkingDir"];

    public static async Task<ImageDescription> OfAsync(IImage image, CancellationToken ct)
    {
        var entries = new Dictionary<string, (TarEntryHeader Header, string? Hash)>(StringComparer.Ordinal);
        await ImageFilesystem.WalkAsync(image, async (entry, data, token) =>
        {
            var hash = data is null ? null : "sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(data, token));
            entries[entry.Header.Name] = (entry.Header, hash);
        }, ct);

        var lines = new List<string>();
        var config = JsonNode.Parse(image.ConfigBytes.Span)?["config"] as JsonObject;
        foreach (var field in ConfigFields)
            lines.Add($"@config.{field}\t{Canonical(config?[field])}");
        var groups = HardLinkGroups(entries);
        foreach (var (path, (header, hash)) in entries)
            lines.Add($"/{path}\t{Describe(path, header, hash, entries, groups)}");
        lines.Sort((a, b) => string.CompareOrdinal(Key(a), Key(b)));
        return new ImageDescription(lines);
    }

    public static string Key(string line) => line[..line.IndexOf('\t', StringComparison.Ordinal)];

    private static string Describe(string path, TarEntryHeader header, string? hash,
        Dictionary<string, (TarEntryHeader Header, string? Hash)> entries, Dictionary<string, string> groups)
    {
        var links = groups.TryGetValue(path, out var first) ? $" links={first}" : "";
        if (header.Kind != TarEntryKind.Hardlink)
            return Describe(header, hash) + links;
        // a hard link is its target (a file, or even a symlink), seen through this entry's own mode and owner
        return Resolve(path, entries) is { } target
            ? Describe(target.Header with { Mode = header.Mode, Uid = header.Uid, Gid = header.Gid }, target.Hash) + links
            : $"hardlink {Common(header)} to missing /{TarEntryHeader.CleanName(header.LinkName ?? "")}";
    }

    private static string Common(TarEntryHeader header) => $"{Convert.ToString(header.Mode & 0xfff, 8).PadLeft(4, '0')} {header.Uid}:{header.Gid}";

    private static string Describe(TarEntryHeader header, string? hash) => header.Kind switch
    {
        TarEntryKind.Directory => $"dir {Common(header)}",
        TarEntryKind.File => $"file {Common(header)} {header.Size.ToString(CultureInfo.InvariantCulture)} {hash}",
        TarEntryKind.Symlink => $"symlink {Common(header)} -> {header.LinkName}",
        TarEntryKind.CharDevice => $"char {Common(header)} {header.DevMajor},{header.DevMinor}",
        TarEntryKind.BlockDevice => $"block {Common(header)} {header.DevMajor},{header.DevMinor}",
        TarEntryKind.Fifo => $"fifo {Common(header)}",
        _ => $"{header.Kind} {Common(header)}",
    };

    /// <summary>The entry a hard link ends at (following link-to-link chains), or null.</summary>
    private static (TarEntryHeader Header, string? Hash)? Resolve(string path, Dictionary<string, (TarEntryHeader Header, string? Hash)> entries)
    {
        for (var hops = 0; hops < 64 && entries.TryGetValue(path, out var entry); hops++)
        {
            if (entry.Header.Kind != TarEntryKind.Hardlink)
                return entry;
            path = TarEntryHeader.CleanName(entry.Header.LinkName ?? "");
        }
        return null;
    }

    /// <summary>Every path that takes part in a hard link, mapped to its group's smallest path ("/…").</summary>
    private static Dictionary<string, string> HardLinkGroups(Dictionary<string, (TarEntryHeader Header, string? Hash)> entries)
    {
        var members = new Dictionary<string, List<string>>(StringComparer.Ordinal); // root file -> members
        foreach (var (path, (header, _)) in entries)
        {
            if (header.Kind != TarEntryKind.Hardlink)
                continue;
            var root = TarEntryHeader.CleanName(header.LinkName ?? "");
            for (var hops = 0; hops < 64 && entries.TryGetValue(root, out var next) && next.Header.Kind == TarEntryKind.Hardlink; hops++)
                root = TarEntryHeader.CleanName(next.Header.LinkName ?? "");
            if (!members.TryGetValue(root, out var list))
                members[root] = list = [root];
            list.Add(path);
        }
        var groups = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var list in members.Values)
        {
            var first = "/" + list.Min(StringComparer.Ordinal);
            foreach (var member in list)
                groups[member] = first;
        }
        return groups;
    }

    /// <summary>JSON with object keys sorted (their order means nothing to docker); arrays keep their order.</summary>
    private static string Canonical(JsonNode? node) => Sorted(node)?.ToJsonString() ?? "null";

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Sorted).ToArray()),
        JsonValue v => JsonNode.Parse(v.ToJsonString()),
        _ => null,
    };
}
