using Distill.Oci;

namespace Distill.Analysis;

/// <summary>
/// tzdata for programs that use named time zones. Every Go binary names <c>/usr/share/zoneinfo/</c> (package time reads
/// it lazily) and so does every .NET program with <c>TimeZoneInfo</c>, so those strings alone would flag nearly every
/// image; a missing zone only matters when one is asked for by name, and then the program quietly runs in UTC (or
/// <c>time.LoadLocation</c> fails). The signals used, each measured on real binaries:
/// <list type="bullet">
/// <item><c>TZ</c> in the image's Env naming a zone (<c>Europe/Berlin</c>, <c>:America/New_York</c>, an absolute
/// path) whose file is missing — glibc, Go and .NET all read it; POSIX rules (<c>CET-1CEST</c>) and UTC need no file;</item>
/// <item>a Go binary whose function table holds <c>time.LoadLocation</c>: the linker drops it unless the program (or
/// a library it calls) loads zones by name — absent from hello-world and net/http servers;</item>
/// <item>a .NET Native AOT binary that can look zones up by id (<c>FindSystemTimeZoneById</c>): its message "The time zone
/// ID '{0}' was not found on the local computer" (or, with UseSystemResourceKeys, the key <c>TimeZoneNotFound_MissingData</c>)
/// is linked only then — <c>DateTime.Now</c> alone does not link it; with <c>InvariantTimezone</c> the linker drops the
/// whole tzdata reader, <c>/usr/share/zoneinfo/</c> (UTF-16) included, and TZ is ignored;</item>
/// <item>no finding for a Go binary that embeds <c>time/tzdata</c> (its own database; <c>time/tzdata.loadFromEmbeddedTZData</c>
/// in the function table) or whose Env sets <c>ZONEINFO</c> to a file in the image.</item>
/// </list>
/// </summary>
public static class TimeZoneCheck
{
    /// <summary>Where glibc and .NET look (unless <c>TZDIR</c> says otherwise).</summary>
    public const string ZoneInfo = "/usr/share/zoneinfo";

    /// <summary>Go's platformZoneSources (time/zoneinfo_unix.go), besides its GOROOT's zip that images never hold.</summary>
    private static readonly string[] GoZoneSources = [ZoneInfo, "/usr/share/lib/zoneinfo", "/usr/lib/locale/TZ", "/etc/zoneinfo"];

    /// <summary>Names for UTC: Go and glibc need no file for them (or fall back to the same UTC without one).</summary>
    private static readonly HashSet<string> UtcNames = new(StringComparer.Ordinal)
    {
        "UTC", "UCT", "GMT", "Zulu", "Universal", "Etc/UTC", "Etc/UCT", "Etc/GMT", "Etc/GMT0", "Etc/GMT+0", "Etc/GMT-0", "Etc/Zulu", "Etc/Universal", "Etc/Greenwich",
    };

    public static IReadOnlyList<VerifyFinding> Run(IRootFilesystem fs, ElfFile elf, ReadOnlySpan<byte> bytes, string path, IReadOnlyDictionary<string, string> env)
    {
        if (elf.Go is not null && (bytes.IndexOf("time/tzdata.loadFromEmbeddedTZData"u8) >= 0
            || (env.TryGetValue("ZONEINFO", out var zip) && zip.Length > 0 && IsFile(fs, zip))))
            return [];
        // .NET strings are UTF-16; without the reader's directory the time zone code is not there (or invariant)
        if (elf.IsDotNetAot && bytes.IndexOf(DotNetZoneInfo) < 0)
            return [];
        var directories = elf.Go is not null ? GoZoneSources
            : env.TryGetValue("TZDIR", out var tzdir) && tzdir.StartsWith('/') ? [tzdir] : [ZoneInfo];
        if (env.TryGetValue("TZ", out var tz) && ZoneName(tz) is { } zone)
        {
            var candidates = zone.StartsWith('/') ? [zone] : directories.Select(d => RootPath.Join(d, zone)).ToList();
            if (!candidates.Any(c => IsFile(fs, c)))
                return [new VerifyFinding(VerifyRules.TimeZoneDataMissing, VerifySeverity.Warning,
                    $"the image sets TZ={tz} but {candidates[0]} is not in it: {path} will keep time in UTC (add tzdata)", candidates[0])];
            return [];
        }
        if (elf.Go is not null && bytes.IndexOf("time.LoadLocation\0"u8) >= 0 && !directories.Any(d => IsDirectory(fs, d)))
            return [new VerifyFinding(VerifyRules.TimeZoneDataMissing, VerifySeverity.Warning,
                $"{path} is Go and loads time zones by name (time.LoadLocation) but the image has no {ZoneInfo}: every zone but UTC fails to load " +
                "(add tzdata, or build with import _ \"time/tzdata\")", path)];
        if (elf.IsDotNetAot && (bytes.IndexOf(DotNetNotFound) >= 0 || bytes.IndexOf(DotNetNotFoundKey) >= 0) && !directories.Any(d => IsDirectory(fs, d)))
            return [new VerifyFinding(VerifyRules.TimeZoneDataMissing, VerifySeverity.Warning,
                $"{path} is .NET and looks time zones up by id (TimeZoneInfo.FindSystemTimeZoneById) but the image has no {directories[0]}: " +
                "every id but UTC throws TimeZoneNotFoundException (add tzdata)", path)];
        return [];
    }

    /// <summary>The zone a TZ value names as a file, or null for none (empty, UTC, a POSIX rule such as <c>CET-1CEST,M3.5.0</c>).</summary>
    internal static string? ZoneName(string tz)
    {
        var name = tz.StartsWith(':') ? tz[1..] : tz;
        if (name.StartsWith('/'))
            return name;
        // Area/Location names have a slash and never a comma; a POSIX rule has no slash before its first comma
        if (name.Length == 0 || UtcNames.Contains(name) || !name.Contains('/', StringComparison.Ordinal) || name.Contains(',', StringComparison.Ordinal) || name.Contains("..", StringComparison.Ordinal))
            return null;
        return name;
    }

    private static readonly byte[] DotNetZoneInfo = System.Text.Encoding.Unicode.GetBytes(ZoneInfo + "/");
    private static readonly byte[] DotNetNotFound = System.Text.Encoding.Unicode.GetBytes("was not found on the local computer");
    private static readonly byte[] DotNetNotFoundKey = System.Text.Encoding.Unicode.GetBytes("TimeZoneNotFound_MissingData");

    private static bool IsDirectory(IRootFilesystem fs, string path) => RootPath.Resolve(fs, path) is { Exists: true, Entry.Kind: TarEntryKind.Directory };

    private static bool IsFile(IRootFilesystem fs, string path) => RootPath.Resolve(fs, path) is { Exists: true, Entry.Kind: TarEntryKind.File };
}
