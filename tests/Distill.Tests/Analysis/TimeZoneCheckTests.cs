using Distill.Analysis;
using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Analysis;

/// <summary>
/// tzdata only when a zone is asked for by name: TZ naming a zone, or a Go program that links time.LoadLocation — and
/// no false alarm for programs that merely read the clock or carry their own database (time/tzdata).
/// </summary>
public sealed class TimeZoneCheckTests
{
    private const string Berlin = "/usr/share/zoneinfo/Europe/Berlin";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<IImage> ScratchAsync(string hostBinary, string[] env, params (TarEntryHeader, byte[]?)[] more)
    {
        var data = File.ReadAllBytes(hostBinary);
        var app = (new TarEntryHeader { Name = "app", Kind = TarEntryKind.File, Mode = 0x1ed, Size = data.Length }, (byte[]?)data);
        var config = ImageConfig.Empty(Platform.LinuxAmd64) with { Config = new ContainerConfig { Entrypoint = ["/app"], Env = env } };
        return Image.Create(config, [await InMemoryLayer.FromEntriesAsync([app, .. more])]);
    }

    private static async Task<IReadOnlyList<VerifyFinding>> TzFindingsAsync(IImage image) =>
        (await ImageVerifier.VerifyAsync(image, Ct)).Findings.Where(f => f.Rule == VerifyRules.TimeZoneDataMissing).ToList();

    [Fact]
    public async Task A_go_program_that_loads_zones_by_name_needs_zoneinfo_unless_it_embeds_time_tzdata()
    {
        var programs = await TimeZonePrograms.GetAsync();
        var named = await ScratchAsync(programs.Named, []);
        var report = await ImageVerifier.VerifyAsync(named, Ct);
        var finding = Assert.Single(report.Findings);
        Assert.Equal("tzdata-missing", finding.Rule.Id);
        Assert.Equal(VerifySeverity.Warning, finding.Severity);
        Assert.Contains("time.LoadLocation", finding.Message, StringComparison.Ordinal);

        Assert.Empty(await TzFindingsAsync(await ScratchAsync(programs.Named, [], TarBytes.File(Berlin[1..], "TZif2"))));
        Assert.Empty((await ImageVerifier.VerifyAsync(await ScratchAsync(programs.Embedded, []), Ct)).Findings);
        Assert.Empty((await ImageVerifier.VerifyAsync(await ScratchAsync(programs.Embedded, ["TZ=Europe/Berlin"]), Ct)).Findings);
        // every Go binary names /usr/share/zoneinfo/: reading the clock is no reason to warn
        Assert.Empty((await ImageVerifier.VerifyAsync(await ScratchAsync(programs.Clock, []), Ct)).Findings);
        Assert.Empty(await TzFindingsAsync(await ScratchAsync(programs.Named, ["ZONEINFO=/zoneinfo.zip"], TarBytes.File("zoneinfo.zip", "PK"))));
    }

    [Fact]
    public async Task Tz_in_the_env_naming_a_zone_needs_its_file_whatever_the_program()
    {
        var programs = await TimeZonePrograms.GetAsync();
        // a static C program (Debian's ldconfig, static-pie) and a Go one that only reads the clock
        foreach (var binary in new[] { "/sbin/ldconfig", programs.Clock })
        {
            var finding = Assert.Single(await TzFindingsAsync(await ScratchAsync(binary, ["TZ=Europe/Berlin"])));
            Assert.Equal(Berlin, finding.Path);
            Assert.Contains("TZ=Europe/Berlin", finding.Message, StringComparison.Ordinal);
            Assert.Single(await TzFindingsAsync(await ScratchAsync(binary, ["TZ=:Europe/Berlin"])));
            Assert.Empty(await TzFindingsAsync(await ScratchAsync(binary, ["TZ=Europe/Berlin"], TarBytes.File(Berlin[1..], "TZif2"))));
            Assert.Empty(await TzFindingsAsync(await ScratchAsync(binary, ["TZ=UTC"])));
            Assert.Empty(await TzFindingsAsync(await ScratchAsync(binary, ["TZ=Etc/UTC"])));
        }
        // glibc honours TZDIR and POSIX rules; an absolute TZ is a file
        Assert.Empty(await TzFindingsAsync(await ScratchAsync("/sbin/ldconfig", ["TZ=Europe/Berlin", "TZDIR=/zones"], TarBytes.File("zones/Europe/Berlin", "TZif2"))));
        Assert.Empty(await TzFindingsAsync(await ScratchAsync("/sbin/ldconfig", ["TZ=CET-1CEST,M3.5.0,M10.5.0/3"])));
        Assert.Equal("/etc/localtime", Assert.Single(await TzFindingsAsync(await ScratchAsync("/sbin/ldconfig", ["TZ=/etc/localtime"]))).Path);
    }

    [Fact]
    public async Task Dotnet_needs_zoneinfo_for_lookups_by_id_and_ignores_tz_when_its_time_zone_code_is_trimmed_away()
    {
        // the real AOT calculator links no TimeZoneInfo; the markers a program with it carries (measured on AOT builds of
        // DateTime.Now, FindSystemTimeZoneById, InvariantTimezone) are appended as the linker would leave them: UTF-16
        var calculator = await File.ReadAllBytesAsync(Path.Combine(await IcuCalculator.GetAsync(), "calculator"), Ct);
        using var temp = new TempDir();
        string Variant(string name, params string[] markers)
        {
            var path = temp[name];
            File.WriteAllBytes(path, [.. calculator, .. markers.SelectMany(m => System.Text.Encoding.Unicode.GetBytes(m + "\0"))]);
            return path;
        }
        var invariant = Variant("invariant");
        var local = Variant("local", "/usr/share/zoneinfo/");
        var byId = Variant("by-id", "/usr/share/zoneinfo/", "The time zone ID '{0}' was not found on the local computer.");
        var byIdKeys = Variant("by-id-keys", "/usr/share/zoneinfo/", "TimeZoneNotFound_MissingData");

        Assert.Empty(await TzFindingsAsync(await ScratchAsync(invariant, ["TZ=Europe/Berlin"])));
        Assert.Empty(await TzFindingsAsync(await ScratchAsync(local, [])));
        Assert.Single(await TzFindingsAsync(await ScratchAsync(local, ["TZ=Europe/Berlin"])));
        foreach (var binary in new[] { byId, byIdKeys })
        {
            var finding = Assert.Single(await TzFindingsAsync(await ScratchAsync(binary, [])));
            Assert.Contains("FindSystemTimeZoneById", finding.Message, StringComparison.Ordinal);
            Assert.Empty(await TzFindingsAsync(await ScratchAsync(binary, [], TarBytes.Directory("usr/share/zoneinfo"))));
            Assert.Empty(await TzFindingsAsync(await ScratchAsync(binary, ["TZDIR=/zones"], TarBytes.Directory("zones"))));
        }
    }

    [Theory]
    [InlineData("Europe/Berlin", "Europe/Berlin")]
    [InlineData(":America/New_York", "America/New_York")]
    [InlineData("/etc/localtime", "/etc/localtime")]
    [InlineData("Etc/GMT+5", "Etc/GMT+5")]
    [InlineData("", null)]
    [InlineData("UTC", null)]
    [InlineData("Etc/UTC", null)]
    [InlineData("CET-1CEST", null)]
    [InlineData("EST5EDT,M3.2.0/2,M11.1.0", null)]
    [InlineData("../../etc/passwd", null)]
    public void Tz_values_that_name_a_zone_file(string tz, string? zone) => Assert.Equal(zone, TimeZoneCheck.ZoneName(tz));
}
