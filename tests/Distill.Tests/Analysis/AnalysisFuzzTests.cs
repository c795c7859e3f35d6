using CsCheck;
using Distill.Analysis;
using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Analysis;

/// <summary>
/// Damaged ELF files and hostile images (symlink loops, links out of the root, files where directories should be)
/// give findings, never exceptions, and never hang.
/// </summary>
public sealed class AnalysisFuzzTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] ElfFiles = ["/lib/x86_64-linux-gnu/libm.so.6", "/lib64/ld-linux-x86-64.so.2", "/usr/bin/ls"];

    /// <summary>Byte edits, mostly in the headers and tables (the first 8 KiB), then an optional cut.</summary>
    private static Gen<(int File, (int Offset, byte Value)[] Edits, double Cut)> Mutation { get; } =
        Gen.Select(Gen.Int[0, ElfFiles.Length - 1], Gen.Select(Gen.Int[4, 8191], Gen.Byte).Array[0, 24], Gen.Double[0, 1.5]);

    private static byte[] Mutate(byte[] original, (int Offset, byte Value)[] edits, double cut)
    {
        var bytes = (byte[])original.Clone();
        foreach (var (offset, value) in edits)
            bytes[offset % bytes.Length] = value;
        return cut < 1 ? bytes[..(int)(bytes.Length * cut)] : bytes;
    }

    [Fact]
    public void Mutated_elf_files_give_problems_never_exceptions()
    {
        var originals = ElfFiles.Select(File.ReadAllBytes).ToArray();
        Mutation.Sample(m =>
        {
            var bytes = Mutate(originals[m.File], m.Edits, m.Cut);
            var elf = ElfReader.Read(bytes);
            if (bytes.Length >= 4)
                Assert.NotNull(elf);
            _ = elf?.Describe();
        }, iter: 3000);
    }

    [Fact]
    public void Mutated_ld_so_caches_never_throw()
    {
        var original = File.ReadAllBytes("/etc/ld.so.cache");
        Gen.Select(Gen.Select(Gen.Int[0, original.Length - 1], Gen.Byte).Array[0, 16], Gen.Double[0, 1.5]).Sample((edits, cut) =>
        {
            var cache = LdSoCache.Parse(Mutate(original, edits, cut));
            _ = cache?.Lookup("libc.so.6");
        }, iter: 2000);
    }

    private static readonly string[] Names = ["/app", "/lib", "/usr/lib", "/lib64", "/lib64/ld-linux-x86-64.so.2", "/usr/lib/libm.so.6", "/usr/lib/libc.so.6", "/a", "/a/b", "/etc/ld.so.conf"];
    private static readonly string[] Targets = ["/a", "a", "..", "../..", "/", "/app", "b", "/a/b", "usr/lib", "/lib64/../lib", "../../../../etc", ".", "/lib/x86_64-linux-gnu", "libm.so.6"];

    /// <summary>Random symlinks, directories and files over a few paths, under a (possibly damaged) dynamic C program as /app.</summary>
    private static Gen<(int Kind, int Name, int Target)[]> Tree { get; } = Gen.Select(Gen.Int[0, 2], Gen.Int[0, Names.Length - 1], Gen.Int[0, Targets.Length - 1]).Array[0, 12];

    private static (TarEntryHeader, byte[]?) FileEntry(string name, byte[] data, int mode) =>
        (new TarEntryHeader { Name = name, Kind = TarEntryKind.File, Mode = mode, Size = data.Length }, data);

    [Fact]
    public async Task Images_with_symlink_loops_and_damaged_elf_files_give_findings_never_exceptions()
    {
        var programs = await NativePrograms.GetAsync();
        var app = await File.ReadAllBytesAsync(Path.Combine(programs.CMath, "app"), Ct);
        var libm = await File.ReadAllBytesAsync("/lib/x86_64-linux-gnu/libm.so.6", Ct);
        await Gen.Select(Tree, Mutation, Gen.Bool).SampleAsync(async (tree, mutation, damageApp) =>
        {
            var entries = new List<(TarEntryHeader, byte[]?)>();
            var used = new HashSet<string>(StringComparer.Ordinal);
            entries.Add(FileEntry("app", damageApp ? Mutate(app, mutation.Edits, mutation.Cut) : app, 0x1ed));
            entries.Add(FileEntry("usr/lib/libm.so.6", damageApp ? libm : Mutate(libm, mutation.Edits, mutation.Cut), 0x1a4));
            used.UnionWith(["/app", "/usr/lib/libm.so.6"]);
            foreach (var (kind, name, target) in tree)
            {
                if (!used.Add(Names[name]))
                    continue;
                var path = Names[name][1..];
                entries.Add(kind switch
                {
                    0 => (new TarEntryHeader { Name = path, Kind = TarEntryKind.Symlink, Mode = 0x1ff, LinkName = Targets[target] }, null),
                    1 => TarBytes.Directory(path),
                    _ => TarBytes.File(path, "include " + Targets[target] + "\n/a\n"),
                });
            }
            var layer = await InMemoryLayer.FromEntriesAsync(entries);
            var config = ImageConfig.Empty(Platform.LinuxAmd64);
            config = config with { Config = new ContainerConfig { Entrypoint = ["/app"], User = "nobody" } };
            var image = Image.Create(config, [layer]);
            var report = await ImageVerifier.VerifyAsync(image, Ct).WaitAsync(TimeSpan.FromSeconds(20), Ct);
            Assert.False(report.Ok); // no libc, no loader, no /etc/passwd in any of these
            Assert.All(report.Findings, f => Assert.False(string.IsNullOrEmpty(f.Message)));
        }, iter: 150);
    }

    [Fact]
    public async Task A_symlink_loop_at_the_entrypoint_is_a_finding()
    {
        var layer = await InMemoryLayer.FromEntriesAsync(
        [
            (new TarEntryHeader { Name = "a", Kind = TarEntryKind.Symlink, Mode = 0x1ff, LinkName = "b" }, null),
            (new TarEntryHeader { Name = "b", Kind = TarEntryKind.Symlink, Mode = 0x1ff, LinkName = "/a" }, null),
        ]);
        var image = Image.Create(ImageConfig.Empty(Platform.LinuxAmd64) with { Config = new ContainerConfig { Entrypoint = ["/a"] } }, [layer]);
        var report = await ImageVerifier.VerifyAsync(image, Ct);
        var finding = Assert.Single(report.Findings);
        Assert.Equal("symlink-loop", finding.Rule.Id);
        Assert.Equal(VerifySeverity.Error, finding.Severity);
        Assert.Contains("/a", finding.Message, StringComparison.Ordinal);
    }
}
