using System.Text;
using CsCheck;
using Distill.Analysis;
using Distill.Analysis.Inventory;

namespace Distill.Tests.Analysis.Inventory;

/// <summary>Go's module info text (runtime/debug.BuildInfo.String's format) and the build info blob around it.</summary>
public sealed class GoModuleInfoTests
{
    private const string Text = "path\texample.com/app/cmd/app\n"
        + "mod\texample.com/app\tv1.4.0\th1:main=\n"
        + "dep\tgithub.com/BurntSushi/toml\tv1.3.2\th1:toml=\n"
        + "dep\texample.com/Lib\tv1.2.3\n"
        + "=>\t../lib\t(devel)\t\n"
        + "dep\tgolang.org/x/sys\tv0.1.0\th1:sys=\n"
        + "=>\tgithub.com/fork/sys\tv0.2.0\th1:fork=\n"
        + "\n"
        + "build\t-compiler=gc\n"
        + "build\t-ldflags=\"-s -w\"\n"
        + "build\t\"weird key\"=\"a\\\"b\"\n"
        + "build\tCGO_ENABLED=1\n"
        + "build\tvcs.revision=0123abc\n"
        + "garbage line\n";

    [Fact]
    public void Main_module_dependencies_replacements_and_settings()
    {
        var info = GoModuleInfo.Parse(Text);
        Assert.Equal("example.com/app/cmd/app", info.Path);
        Assert.Equal(new GoModule("example.com/app", "v1.4.0", "h1:main="), info.Main);
        Assert.Equal(["github.com/BurntSushi/toml v1.3.2 h1:toml=", "example.com/Lib v1.2.3 ", "golang.org/x/sys v0.1.0 h1:sys="],
            info.Dependencies.Select(d => $"{d.Path} {d.Version} {d.Sum}"));
        Assert.Null(info.Dependencies[0].Replace);
        Assert.Equal(new GoModule("../lib", "(devel)", null), info.Dependencies[1].Replace);
        Assert.Equal(new GoModule("github.com/fork/sys", "v0.2.0", "h1:fork="), info.Dependencies[2].Replace);
        Assert.Equal("-s -w", info.Setting("-ldflags"));
        Assert.Equal("a\"b", info.Setting("weird key"));
        Assert.Equal("0123abc", info.Setting("vcs.revision"));
        Assert.True(info.CgoEnabled);
    }

    [Fact]
    public void The_blob_holds_version_and_sentinel_wrapped_module_info()
    {
        var blob = Blob("go1.22.1", Text);
        var go = GoBuildInfo.Parse(blob);
        Assert.Equal("go1.22.1", go.Version);
        Assert.True(go.CgoEnabled);
        Assert.Equal("example.com/app", go.Modules?.Main?.Path);
        Assert.Null(GoBuildInfo.MoreNeeded(blob));
        Assert.Equal(GoBuildInfo.HeaderSize, GoBuildInfo.MoreNeeded(blob.AsSpan(0, 20)));
        Assert.Equal(blob.Length, GoBuildInfo.MoreNeeded(blob.AsSpan(0, 60)));
        // found in a file at a 16-byte aligned offset only, after a plausibility check of the header
        var file = new byte[4096];
        "\xff Go buildinf: not a header"u8.CopyTo(file.AsSpan(16)); // u8 encodes \xff as two bytes: not the magic
        GoBuildInfo.Magic.CopyTo(file.AsSpan(48));
        "xx"u8.CopyTo(file.AsSpan(48 + 14)); // a string literal, not a blob
        GoBuildInfo.Magic.CopyTo(file.AsSpan(101)); // unaligned
        blob.CopyTo(file.AsSpan(1024));
        Assert.Equal("go1.22.1", GoBuildInfo.Find(file)?.Version);
    }

    [Fact]
    public void Damaged_blobs_and_texts_never_throw()
    {
        var blob = Blob("go1.22.1", Text);
        Gen.Select(Gen.Select(Gen.Int[0, blob.Length - 1], Gen.Byte).Array[0, 12], Gen.Int[0, blob.Length]).Sample((edits, cut) =>
        {
            var damaged = blob[..cut];
            foreach (var (at, value) in edits.Where(e => e.Item1 < damaged.Length))
                damaged[at] = value;
            _ = GoBuildInfo.Find(damaged);
            _ = GoBuildInfo.MoreNeeded(damaged);
            _ = GoModuleInfo.Parse(Encoding.Latin1.GetString(damaged));
        });
    }

    /// <summary>A Go 1.18+ blob: magic, pointer size 8, flags 2 (inline strings), then varint-prefixed strings.</summary>
    internal static byte[] Blob(string version, string modules)
    {
        byte[] start = [0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02, 0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6];
        byte[] end = [0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72, 0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2];
        var blob = new List<byte>(GoBuildInfo.Magic.ToArray()) { 8, 2 };
        blob.AddRange(new byte[16]);
        Add(blob, Encoding.UTF8.GetBytes(version));
        Add(blob, [.. start, .. Encoding.UTF8.GetBytes(modules), .. end]);
        return [.. blob];
    }

    private static void Add(List<byte> blob, byte[] value)
    {
        var length = (ulong)value.Length;
        do
        {
            var b = (byte)(length & 0x7f);
            length >>= 7;
            blob.Add(length > 0 ? (byte)(b | 0x80) : b);
        }
        while (length > 0);
        blob.AddRange(value);
    }
}
