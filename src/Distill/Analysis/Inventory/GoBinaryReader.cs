using System.Buffers;

namespace Distill.Analysis.Inventory;

/// <summary>
/// Reads a Go binary's build info from its bytes as they stream past (a layer's tar entry), keeping one window in
/// memory rather than the file: non-ELF files stop after the first read; ELF files are searched for the 16-byte
/// aligned <c>.go.buildinfo</c> magic (section headers are often at the end of the file, which a stream reaches
/// last, so the search does not depend on them), and only the blob is kept once found.
/// </summary>
public static class GoBinaryReader
{
    private const int Window = 256 * 1024;
    private const int MaxBlob = 16 << 20;

    /// <summary>The build info, or null when the stream is not an ELF Go binary.</summary>
    public static async Task<GoBuildInfo?> ReadAsync(Stream stream, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Window);
        try
        {
            var filled = 0;
            long start = 0; // file offset of buffer[0]
            var first = true;
            while (true)
            {
                var read = await stream.ReadAtLeastAsync(buffer.AsMemory(filled, Window - filled), Window - filled, throwOnEndOfStream: false, ct);
                var ended = filled + read < Window;
                filled += read;
                if (first && !ElfReader.IsElf(buffer.AsSpan(0, filled)))
                    return null;
                first = false;
                if (Search(buffer.AsSpan(0, filled), start, ended) is { } at)
                    return await CompleteAsync(buffer.AsMemory(at, filled - at), stream, ended, ct);
                if (ended)
                    return null;
                // keep the tail: a magic may straddle the boundary, or its header may not have arrived yet
                var keep = GoBuildInfo.HeaderSize - 1;
                buffer.AsSpan(filled - keep, keep).CopyTo(buffer);
                start += filled - keep;
                filled = keep;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The index of an aligned, plausible blob start whose header is wholly in <paramref name="window"/>.</summary>
    private static int? Search(ReadOnlySpan<byte> window, long start, bool ended)
    {
        var position = 0;
        while (position < window.Length)
        {
            var hit = window[position..].IndexOf(GoBuildInfo.Magic);
            if (hit < 0)
                return null;
            var at = position + hit;
            if (at + GoBuildInfo.HeaderSize > window.Length && !ended)
                return null; // the caller keeps the tail and asks again with more bytes
            if ((start + at) % 16 == 0 && GoBuildInfo.IsPlausibleHeader(window[at..]))
                return at;
            position = at + 1;
        }
        return null;
    }

    private static async Task<GoBuildInfo> CompleteAsync(ReadOnlyMemory<byte> found, Stream stream, bool ended, CancellationToken ct)
    {
        var blob = found.ToArray();
        while (!ended && GoBuildInfo.MoreNeeded(blob) is { } need && need > blob.Length && need <= MaxBlob)
        {
            var more = new byte[need];
            blob.CopyTo(more, 0);
            var read = await stream.ReadAtLeastAsync(more.AsMemory(blob.Length), need - blob.Length, throwOnEndOfStream: false, ct);
            ended = read < need - blob.Length;
            blob = more[..(blob.Length + read)];
        }
        return GoBuildInfo.Parse(blob);
    }
}
