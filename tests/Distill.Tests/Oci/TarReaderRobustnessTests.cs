using System.Text;
using CsCheck;
using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Oci;

/// <summary>Damaged archives give an <see cref="InvalidImageException"/> naming the archive: no other exception, no hang.</summary>
public sealed class TarReaderRobustnessTests
{
    private const string What = "damaged.tar";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Small archives (entries up to a few KB) and where each entry's header blocks start and its data ends.</summary>
    private static readonly Gen<TarEntryGen.Entry[]> SmallArchive =
        TarEntryGen.AnyEntry.Where(e => e.Header.Size < 100_000).Array[1, 6];

    private static async Task<(byte[] Tar, List<long> EntryStarts, long End)> WriteWithBoundaries(TarEntryGen.Entry[] entries)
    {
        var starts = new List<long>();
        using var memory = new MemoryStream();
        await using (var writer = new TarStreamWriter(memory, leaveOpen: true))
        {
            foreach (var e in entries)
            {
                starts.Add(memory.Position);
                await writer.WriteEntryAsync(e.Header, e.Content is null ? null : new MemoryStream(e.Content.Bytes()), Ct);
            }
            var end = memory.Position;
            await writer.FinishAsync(Ct);
            return (memory.ToArray(), starts, end);
        }
    }

    /// <summary>Reads every entry and all its data (or, with <paramref name="skipData"/>, none of it).</summary>
    private static async Task<int> ReadAll(Stream input, bool skipData)
    {
        using var reader = new TarStreamReader(input, What);
        var count = 0;
        while (await reader.ReadNextAsync(Ct) is not null)
        {
            count++;
            if (!skipData)
                await reader.OpenData().CopyToAsync(Stream.Null, Ct);
        }
        return count;
    }

    private static async Task AssertInvalid(Func<Task> read, string because)
    {
        Exception? caught = null;
        try
        {
            await read().WaitAsync(TimeSpan.FromSeconds(10), Ct);
        }
        catch (Exception e)
        {
            caught = e;
        }
        Assert.True(caught is not null, $"{because}: no exception");
        Assert.True(caught is InvalidImageException, $"{because}: {caught.GetType().Name} instead of InvalidImageException: {caught}");
        Assert.True(caught.Message.Contains(What, StringComparison.Ordinal), $"{because}: message does not name the archive: {caught.Message}");
    }

    [Fact]
    public async Task Archive_cut_inside_an_entry_is_invalid()
    {
        var gen = Gen.Select(SmallArchive, Gen.Double[0, 1], Gen.Bool, Gen.Bool);
        await gen.SampleAsync(async (entries, where, seekable, skipData) =>
        {
            var (tar, starts, end) = await WriteWithBoundaries(entries);
            // any cut before the end of the last entry, except exactly where an entry begins
            var cut = (int)(where * (end - 1)) + 1;
            if (starts.Contains(cut))
                cut++;
            if (cut >= end)
                return;
            var truncated = tar[..cut];
            Stream input = seekable ? new MemoryStream(truncated) : new NonSeekableStream(truncated);
            await AssertInvalid(() => ReadAll(input, skipData), $"archive of {tar.Length} bytes cut at {cut} (seekable={seekable}, skipData={skipData})");
        }, iter: 300, threads: 1);
    }

    [Fact]
    public async Task Archive_ending_after_an_extended_header_is_invalid()
    {
        // a PAX header promises an entry that never comes
        var tar = await TarBytes.WriteAsync([TarBytes.File(new string('n', 150) + "é", "data")], Ct);
        Assert.Equal((byte)'x', tar[156]);
        var paxEnd = 512 + (int)TarFormat.PaddedSize(ReadOctal(tar.AsSpan(124, 12)));
        await AssertInvalid(() => ReadAll(new MemoryStream(tar[..paxEnd]), skipData: false), "archive cut after its PAX header");
    }

    [Fact]
    public async Task Archive_cut_at_an_entry_boundary_ends_there()
    {
        // tar readers accept archives without the end-of-archive blocks
        var tar = await TarBytes.WriteAsync([TarBytes.File("a", "1"), TarBytes.File("b", "2")], Ct);
        Assert.Equal(1, await ReadAll(new MemoryStream(tar[..1024]), skipData: false));
        Assert.Equal(2, await ReadAll(new MemoryStream(tar[..2048]), skipData: false));
        Assert.Equal(0, await ReadAll(new MemoryStream([]), skipData: false));
    }

    [Fact]
    public async Task Corrupt_header_checksum_is_invalid()
    {
        // any byte but the checksum field itself, whose terminators and leading zeros may change without changing its value
        var gen = Gen.Select(SmallArchive, Gen.Int[0, 511 - 8].Select(i => i < 148 ? i : i + 8), Gen.Byte[1, 255]);
        await gen.SampleAsync(async (entries, offset, flip) =>
        {
            var (tar, starts, _) = await WriteWithBoundaries(entries);
            var header = starts[^1];
            tar[header + offset] ^= flip; // one byte of the last entry's first header block changes, its checksum stays
            await AssertInvalid(() => ReadAll(new MemoryStream(tar), skipData: false), $"header byte {offset} flipped by {flip:x2}");
        }, iter: 200, threads: 1);
    }

    [Fact]
    public async Task Checksum_of_another_value_is_invalid()
    {
        var tar = await TarBytes.WriteAsync([TarBytes.File("f", "abc")], Ct);
        var digit = tar[148 + 5];
        tar[148 + 5] = (byte)(digit == '7' ? '6' : digit + 1);
        await AssertInvalid(() => ReadAll(new MemoryStream(tar), skipData: false), "checksum off by one");
    }

    [Fact]
    public async Task Corrupt_header_fields_with_a_valid_checksum_never_give_another_exception()
    {
        // garbage in any header field, resealed: the reader may accept it, but fails only with InvalidImageException
        var gen = Gen.Select(SmallArchive, Gen.Int[0, 511], Gen.Byte.Array[1, 12]);
        await gen.SampleAsync(async (entries, offset, garbage) =>
        {
            var (tar, starts, _) = await WriteWithBoundaries(entries);
            var header = (int)starts[^1];
            var length = Math.Min(garbage.Length, 512 - offset);
            garbage.AsSpan(0, length).CopyTo(tar.AsSpan(header + offset));
            Reseal(tar.AsSpan(header, 512));
            try
            {
                await ReadAll(new MemoryStream(tar), skipData: false).WaitAsync(TimeSpan.FromSeconds(10), Ct);
            }
            catch (InvalidImageException e)
            {
                Assert.True(e.Message.Contains(What, StringComparison.Ordinal), $"message does not name the archive: {e.Message}");
            }
        }, iter: 300, threads: 1);
    }

    [Theory]
    [InlineData("size", "12 size=abc\n")]
    [InlineData("mtime", "14 mtime=abcd\n")]
    [InlineData("uid", "26 uid=99999999999999999\n")]
    [InlineData("record", "99 path=x\n")]
    [InlineData("record", "x path=x\n")]
    public async Task Malformed_pax_records_are_invalid(string field, string records)
    {
        var pax = Encoding.ASCII.GetBytes(records);
        var tar = new byte[512 * 2 + TarFormat.PaddedSize(pax.Length) + 1024];
        var h = tar.AsSpan(0, 512);
        "PaxHeaders.0/x"u8.CopyTo(h);
        WriteOctal(h.Slice(124, 12), pax.Length);
        h[156] = (byte)'x';
        "ustar\000"u8.CopyTo(h[257..]);
        Reseal(h);
        pax.CopyTo(tar.AsSpan(512));
        var file = tar.AsSpan(512 + (int)TarFormat.PaddedSize(pax.Length), 512);
        "x"u8.CopyTo(file);
        WriteOctal(file.Slice(100, 8), 0x1a4);
        file[156] = (byte)'0';
        "ustar\000"u8.CopyTo(file[257..]);
        Reseal(file);
        await AssertInvalid(() => ReadAll(new MemoryStream(tar), skipData: false), $"PAX {field}");
    }

    [Fact]
    public async Task Reads_base_256_numbers()
    {
        var tar = await TarBytes.WriteAsync([TarBytes.File("big", "abc")], Ct);
        PatchBase256(tar.AsSpan(0, 512), gidByte: 0x00);
        var read = await TarBytes.ReadAllAsync(new MemoryStream(tar), What, Ct);
        Assert.Equal(3000000, read[0].Header.Uid);
        Assert.Equal(3, read[0].Header.Size);
        Assert.Equal(1L << 32, read[0].Header.ModTime);
        Assert.Equal("abc"u8.ToArray(), read[0].Data);
        // 2^40 does not fit a gid: an error, not a silently wrapped number
        PatchBase256(tar.AsSpan(0, 512), gidByte: 0x01);
        await AssertInvalid(() => ReadAll(new MemoryStream(tar), skipData: false), "gid 2^40");
    }

    [Fact]
    public async Task Negative_base_256_number_is_invalid()
    {
        var tar = await TarBytes.WriteAsync([TarBytes.File("neg", "abc")], Ct);
        var h = tar.AsSpan(0, 512);
        h.Slice(124, 12).Fill(0xff); // -1
        Reseal(h);
        await AssertInvalid(() => ReadAll(new MemoryStream(tar), skipData: false), "size -1");
    }

    [Fact]
    public async Task Old_style_directories_are_marked_by_a_trailing_slash()
    {
        // a V7 archive: no magic, type '\0' for files and directories alike
        var tar = new byte[512 * 4];
        V7Header(tar.AsSpan(0, 512), "olddir/", 0);
        V7Header(tar.AsSpan(512, 512), "olddir/file", 3);
        "abc"u8.CopyTo(tar.AsSpan(1024));
        var read = await TarBytes.ReadAllAsync(new MemoryStream(tar), What, Ct);
        Assert.Equal(2, read.Count);
        Assert.Equal(TarEntryKind.Directory, read[0].Header.Kind);
        Assert.Equal("olddir", read[0].Header.Name);
        Assert.Equal(0x1ed, read[0].Header.Mode);
        Assert.Equal(TarEntryKind.File, read[1].Header.Kind);
        Assert.Equal("abc"u8.ToArray(), read[1].Data);
    }

    [Fact]
    public async Task Unsupported_entry_types_are_invalid()
    {
        var tar = await TarBytes.WriteAsync([TarBytes.File("sparse", "abc")], Ct);
        tar[156] = (byte)'S';
        Reseal(tar.AsSpan(0, 512));
        await AssertInvalid(() => ReadAll(new MemoryStream(tar), skipData: false), "GNU sparse entry");
        tar[156] = (byte)'V';
        Reseal(tar.AsSpan(0, 512));
        await AssertInvalid(() => ReadAll(new MemoryStream(tar), skipData: false), "volume header");
    }

    /// <summary>uid 3000000, size 3, mtime 2^32 and gid <paramref name="gidByte"/> * 2^40 in GNU base-256 (big-endian, top bit set).</summary>
    private static void PatchBase256(Span<byte> h, byte gidByte)
    {
        h.Slice(108, 8).Clear();
        h[108] = 0x80;
        h[113] = 0x2d;
        h[114] = 0xc6;
        h[115] = 0xc0;
        h.Slice(116, 8).Clear();
        h[116] = 0x80;
        h[118] = gidByte;
        h.Slice(124, 12).Clear();
        h[124] = 0x80;
        h[135] = 3;
        h.Slice(136, 12).Clear();
        h[136] = 0x80;
        h[143] = 0x01;
        Reseal(h);
    }

    private static void V7Header(Span<byte> h, string name, int size)
    {
        Encoding.ASCII.GetBytes(name).CopyTo(h);
        WriteOctal(h.Slice(100, 8), name.EndsWith('/') ? 0x1ed : 0x1a4);
        WriteOctal(h.Slice(108, 8), 0);
        WriteOctal(h.Slice(116, 8), 0);
        WriteOctal(h.Slice(124, 12), size);
        WriteOctal(h.Slice(136, 12), 1000);
        Reseal(h);
    }

    private static void WriteOctal(Span<byte> field, long value) =>
        Encoding.ASCII.GetBytes(Convert.ToString(value, 8).PadLeft(field.Length - 1, '0') + "\0").CopyTo(field);

    private static long ReadOctal(ReadOnlySpan<byte> field) => Convert.ToInt64(Encoding.ASCII.GetString(field).TrimEnd('\0', ' '), 8);

    private static void Reseal(Span<byte> h)
    {
        h.Slice(148, 8).Fill((byte)' ');
        var sum = 0;
        foreach (var b in h)
            sum += b;
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(h[148..]);
    }
}
