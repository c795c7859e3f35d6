using CsCheck;
using Distill.Oci;

namespace Distill.Tests.Oci;

/// <summary>CsCheck generators of tar entries covering what layers hold: every kind, long and non-ASCII names, big ids, xattrs.</summary>
internal static class TarEntryGen
{
    /// <summary>Data as (length, seed) so a few-MB file costs nothing to generate or print.</summary>
    public sealed record Content(int Length, int Seed)
    {
        public byte[] Bytes()
        {
            var data = new byte[Length];
            new Random(Seed).NextBytes(data);
            return data;
        }
    }

    public sealed record Entry(TarEntryHeader Header, Content? Content)
    {
        public override string ToString() =>
            $"{Header.Kind} {Header.Name} ({Header.Name.Length} chars) mode={Convert.ToString(Header.Mode, 8)} uid={Header.Uid} gid={Header.Gid} " +
            $"size={Header.Size} mtime={Header.ModTime} link={Header.LinkName} dev={Header.DevMajor},{Header.DevMinor} xattrs={Header.Xattrs?.Count ?? 0}";
    }

    private static readonly Gen<string> Fragment = Gen.OneOfConst(
        "a", "b", "z", "0", "9", "-", "_", ".", "x", "lib", "usr", "é", "ß", "日本", "😀", " ", "Ω", "file", "long-segment-name");

    /// <summary>A path segment, never <c>.</c> or <c>..</c>; sometimes long (over 100 characters on its own).</summary>
    private static readonly Gen<string> Segment = Gen.Frequency(
        (8, Fragment.Array[1, 6].Select(f => string.Concat(f))),
        (1, Fragment.Array[20, 40].Select(f => string.Concat(f))))
        .Where(s => s is not "." and not "..");

    /// <summary>Names of 1 to 12 segments: short, over 100, over 255 characters.</summary>
    public static readonly Gen<string> Name = Gen.Frequency(
        (6, Segment.Array[1, 4]),
        (2, Segment.Array[4, 12]))
        .Select(parts => string.Join('/', parts));

    public static readonly Gen<int> Id = Gen.Frequency(
        (6, Gen.Int[0, 65535]),
        (1, Gen.Int[2097150, 2097153]),
        (2, Gen.Int[2097152, int.MaxValue]));

    public static readonly Gen<long> ModTime = Gen.Frequency(
        (2, Gen.Const(0L)),
        (6, Gen.Long[0, 8589934591L]),       // fits 11 octal digits
        (1, Gen.Long[8589934592L, 1L << 40]), // past 2242: PAX
        (1, Gen.Long[-(1L << 33), -1]));    // before 1970: PAX

    private static readonly Gen<Content> FileContent = Gen.Frequency(
        (3, Gen.Const(new Content(0, 0))),
        (12, Gen.Select(Gen.Int[1, 3000], Gen.Int, (n, s) => new Content(n, s))),
        (1, Gen.Select(Gen.Int[1 << 20, 3 << 20], Gen.Int, (n, s) => new Content(n, s))));

    private static readonly Gen<IReadOnlyDictionary<string, byte[]>?> Xattrs = Gen.Frequency(
        (4, Gen.Const((IReadOnlyDictionary<string, byte[]>?)null)),
        (1, Gen.Select(
                Gen.OneOf(
                    Gen.Const("security.capability"),
                    Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789._-"], 1, 30].Select(s => "user." + s)),
                Gen.Byte.Array[0, 80])
            .Array[1, 4]
            .Select(pairs => (IReadOnlyDictionary<string, byte[]>?)pairs.DistinctBy(p => p.Item1).ToDictionary(p => p.Item1, p => p.Item2, StringComparer.Ordinal))));

    public static readonly Gen<Entry> AnyEntry = Gen.Select(Gen.Enum<TarEntryKind>(), Name, Gen.Int[0, 4095], Id, Id, ModTime, Name, Gen.Select(FileContent, Gen.Int[0, 4095], Gen.Int[0, 1048575], Xattrs))
        .Select(t =>
        {
            var (kind, name, mode, uid, gid, mtime, link, (content, major, minor, xattrs)) = t;
            var isLink = kind is TarEntryKind.Symlink or TarEntryKind.Hardlink;
            var isDevice = kind is TarEntryKind.CharDevice or TarEntryKind.BlockDevice;
            var file = kind == TarEntryKind.File ? content : null;
            var header = new TarEntryHeader
            {
                Name = name,
                Kind = kind,
                Mode = mode,
                Uid = uid,
                Gid = gid,
                Size = file?.Length ?? 0,
                ModTime = mtime,
                LinkName = isLink ? link : "",
                DevMajor = isDevice ? major : 0,
                DevMinor = isDevice ? minor : 0,
                Xattrs = xattrs,
            };
            return new Entry(header, file);
        });

    public static readonly Gen<Entry[]> Archive = AnyEntry.Array[0, 10];
}
