using CsCheck;
using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Oci;

public sealed class TarRoundTripTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<byte[]> Write(TarEntryGen.Entry[] entries) =>
        await TarBytes.WriteAsync(entries.Select(e => (e.Header, e.Content?.Bytes())), Ct);

    [Fact]
    public async Task Random_entries_read_back_as_written()
    {
        await TarEntryGen.Archive.SampleAsync(async entries =>
        {
            var tar = await Write(entries);
            Assert.Equal(0, tar.Length % 512);
            // seekable (data skipped by seeking) and non-seekable (skipped by reading)
            foreach (var seekable in new[] { true, false })
            {
                Stream input = seekable ? new MemoryStream(tar) : new NonSeekableStream(tar);
                var read = await TarBytes.ReadAllAsync(input, "random.tar", Ct);
                Assert.Equal(entries.Length, read.Count);
                for (var i = 0; i < entries.Length; i++)
                {
                    TarAssert.SameHeader(entries[i].Header, read[i].Header);
                    var expected = entries[i].Content?.Bytes() ?? [];
                    Assert.True(expected.AsSpan().SequenceEqual(read[i].Data), $"data of {entries[i].Header.Name} differs");
                    // DataOffset points at the bytes in the archive (archive transports open members there)
                    Assert.True(tar.AsSpan((int)read[i].DataOffset, expected.Length).SequenceEqual(expected), $"DataOffset of {entries[i].Header.Name} is wrong");
                }
            }
        }, iter: 60, threads: 1);
    }

    [Fact]
    public async Task Entries_not_read_are_skipped_exactly()
    {
        await TarEntryGen.Archive.SampleAsync(async entries =>
        {
            var tar = await Write(entries);
            using var reader = new TarStreamReader(new NonSeekableStream(tar), "skip.tar");
            for (var i = 0; i < entries.Length; i++)
            {
                var header = await reader.ReadNextAsync(Ct);
                Assert.NotNull(header);
                Assert.Equal(entries[i].Header.Name, header.Name);
                if (i % 2 == 1 && header.Size > 10)
                {
                    // read part of the data, leave the rest to be skipped
                    var buffer = new byte[7];
                    await reader.OpenData().ReadExactlyAsync(buffer, Ct);
                }
            }
            Assert.Null(await reader.ReadNextAsync(Ct));
        }, iter: 40, threads: 1);
    }

    [Fact]
    public async Task Same_entries_give_identical_bytes()
    {
        await TarEntryGen.Archive.SampleAsync(async entries =>
        {
            var first = await Write(entries);
            var second = await Write(entries.Select(e => e with { Header = e.Header with { Xattrs = Reversed(e.Header.Xattrs) } }).ToArray());
            Assert.True(first.AsSpan().SequenceEqual(second), "the same entries gave different archives");
        }, iter: 40, threads: 1);
    }

    [Fact]
    public async Task Writes_ustar_without_pax_when_everything_fits()
    {
        var tar = await TarBytes.WriteAsync([TarBytes.Directory("usr/bin"), TarBytes.File("usr/bin/app", "hello", 0x1ed)], Ct);
        Assert.Equal(512 * 5, tar.Length); // 2 headers, 1 data block, 2 end blocks
        Assert.Equal("usr/bin/"u8.ToArray(), tar.AsSpan(0, 8).ToArray());
        Assert.Equal((byte)'5', tar[156]);
        Assert.Equal("ustar\0"u8.ToArray(), tar.AsSpan(257, 6).ToArray());
        Assert.Equal("0000755\0"u8.ToArray(), tar.AsSpan(512 + 100, 8).ToArray());
        Assert.All(tar.AsSpan(512 + 265, 64).ToArray(), b => Assert.Equal(0, b)); // no user or group names
    }

    [Fact]
    public async Task Names_over_100_ascii_characters_use_the_ustar_prefix_when_they_can()
    {
        var name = string.Join('/', Enumerable.Repeat("abcdefghij", 14)); // 153 characters
        var tar = await TarBytes.WriteAsync([TarBytes.File(name, "x")], Ct);
        Assert.NotEqual((byte)'x', tar[156]);
        var read = await TarBytes.ReadAllAsync(new MemoryStream(tar), "prefix.tar", Ct);
        Assert.Equal(name, read.Single().Header.Name);
    }

    [Fact]
    public async Task File_whose_data_is_short_is_an_error()
    {
        using var output = new MemoryStream();
        using var writer = new TarStreamWriter(output, leaveOpen: true);
        var header = new TarEntryHeader { Name = "f", Kind = TarEntryKind.File, Size = 10 };
        var e = await Assert.ThrowsAsync<InvalidImageException>(async () => await writer.WriteEntryAsync(header, new MemoryStream(new byte[4]), Ct));
        Assert.Contains("f:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task File_of_unknown_size_is_patched_in_place()
    {
        using var output = new MemoryStream();
        var data = new byte[70000];
        new Random(5).NextBytes(data);
        await using (var writer = new TarStreamWriter(output, leaveOpen: true))
        {
            var size = await writer.WriteFileOfUnknownSizeAsync(new TarEntryHeader { Name = "blobs/sha256/x", Kind = TarEntryKind.File, Mode = 0x1a4 }, new NonSeekableStream(data), Ct);
            Assert.Equal(data.Length, size);
            await writer.WriteEntryAsync(TarBytes.File("after", "ok").Item1, new MemoryStream("ok"u8.ToArray()), Ct);
            await writer.FinishAsync(Ct);
        }
        var read = await TarBytes.ReadAllAsync(new MemoryStream(output.ToArray()), "patched.tar", Ct);
        Assert.Equal(["blobs/sha256/x", "after"], read.Select(r => r.Header.Name));
        Assert.Equal(data, read[0].Data);
        Assert.Equal(data.Length, read[0].Header.Size);
    }

    private static IReadOnlyDictionary<string, byte[]>? Reversed(IReadOnlyDictionary<string, byte[]>? xattrs) =>
        xattrs?.Reverse().ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
}
