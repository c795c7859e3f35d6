using Distill.Oci;

namespace Distill.Tests.Support;

/// <summary>Tar archives in memory: written with <see cref="TarStreamWriter"/>, read back whole with <see cref="TarStreamReader"/>.</summary>
public static class TarBytes
{
    public static async Task<byte[]> WriteAsync(IEnumerable<(TarEntryHeader Header, byte[]? Data)> entries, CancellationToken ct = default)
    {
        using var memory = new MemoryStream();
        await using (var writer = new TarStreamWriter(memory, leaveOpen: true))
        {
            foreach (var (header, data) in entries)
                await writer.WriteEntryAsync(header, data is null ? null : new MemoryStream(data), ct);
            await writer.FinishAsync(ct);
        }
        return memory.ToArray();
    }

    /// <summary>A header for a regular file with <paramref name="data"/>.</summary>
    public static (TarEntryHeader, byte[]?) File(string name, string data, int mode = 0x1a4) =>
        (new TarEntryHeader { Name = name, Kind = TarEntryKind.File, Mode = mode, Size = System.Text.Encoding.UTF8.GetByteCount(data) },
            System.Text.Encoding.UTF8.GetBytes(data));

    public static (TarEntryHeader, byte[]?) Directory(string name, int mode = 0x1ed) =>
        (new TarEntryHeader { Name = name, Kind = TarEntryKind.Directory, Mode = mode }, null);

    /// <summary>Every entry with its data (what the reader yields for non-files is empty).</summary>
    public static async Task<List<(TarEntryHeader Header, byte[] Data, long DataOffset)>> ReadAllAsync(Stream input, string what, CancellationToken ct = default)
    {
        var result = new List<(TarEntryHeader, byte[], long)>();
        using var reader = new TarStreamReader(input, what, leaveOpen: true);
        while (await reader.ReadNextAsync(ct) is { } header)
        {
            using var data = new MemoryStream();
            await reader.OpenData().CopyToAsync(data, ct);
            result.Add((header, data.ToArray(), reader.DataOffset));
        }
        return result;
    }
}
