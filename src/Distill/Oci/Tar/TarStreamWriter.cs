using System.Globalization;
using System.Text;

namespace Distill.Oci;

/// <summary>
/// Writes a deterministic tar stream: ustar headers where the entry fits, PAX records only for what does not
/// (long or non-ASCII names, large numbers, xattrs), no user or group names, and no time but the given mtime.
/// The same entries always give the same bytes.
/// </summary>
public sealed class TarStreamWriter : IDisposable, IAsyncDisposable
{
    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly byte[] _header = new byte[TarFormat.BlockSize];
    private bool _finished;

    public TarStreamWriter(Stream output, bool leaveOpen = false)
    {
        _output = output;
        _leaveOpen = leaveOpen;
    }

    /// <summary>Writes one entry; <paramref name="data"/> must give exactly <see cref="TarEntryHeader.Size"/> bytes for files.</summary>
    public async ValueTask WriteEntryAsync(TarEntryHeader entry, Stream? data, CancellationToken ct = default)
    {
        var size = entry.Kind == TarEntryKind.File ? entry.Size : 0;
        var name = entry.Kind == TarEntryKind.Directory ? entry.Name.TrimEnd('/') + "/" : entry.Name;
        var pax = new List<byte>();
        FillHeader(entry with { Size = size }, name, pax);
        if (pax.Count > 0)
        {
            var paxHeader = new byte[TarFormat.BlockSize];
            var paxName = PaxHeaderName(name);
            TarFormat.TryWriteString(paxHeader.AsSpan(TarFormat.NameOffset, TarFormat.NameLength), paxName);
            TarFormat.WriteOctal(paxHeader.AsSpan(TarFormat.ModeOffset, TarFormat.SmallFieldLength), 0x1a4); // 0644
            TarFormat.WriteOctal(paxHeader.AsSpan(TarFormat.UidOffset, TarFormat.SmallFieldLength), 0);
            TarFormat.WriteOctal(paxHeader.AsSpan(TarFormat.GidOffset, TarFormat.SmallFieldLength), 0);
            TarFormat.WriteOctal(paxHeader.AsSpan(TarFormat.SizeOffset, TarFormat.LargeFieldLength), pax.Count);
            TarFormat.WriteOctal(paxHeader.AsSpan(TarFormat.MtimeOffset, TarFormat.LargeFieldLength), 0);
            paxHeader[TarFormat.TypeOffset] = (byte)'x';
            Seal(paxHeader);
            await _output.WriteAsync(paxHeader, ct);
            var body = pax.ToArray();
            await _output.WriteAsync(body, ct);
            await Pad(body.Length, ct);
        }
        await _output.WriteAsync(_header, ct);
        if (size == 0)
            return;
        if (data is null)
            throw new ArgumentException($"tar entry {entry.Name} needs data", nameof(data));
        var copied = await CopyExactly(data, size, ct);
        if (copied != size)
            throw new InvalidImageException($"{entry.Name}: file changed while it was read (expected {size} bytes, got {copied})");
        await Pad(size, ct);
    }

    /// <summary>
    /// Writes a regular file whose size is known only once <paramref name="data"/> is read to its end (a layer being
    /// decompressed): the header is written with size 0 and patched afterwards, so the output must be seekable.
    /// </summary>
    public async ValueTask<long> WriteFileOfUnknownSizeAsync(TarEntryHeader entry, Stream data, CancellationToken ct = default)
    {
        if (!_output.CanSeek)
            throw new InvalidOperationException("writing a file of unknown size needs a seekable output");
        var headerPosition = _output.Position;
        var pax = new List<byte>();
        FillHeader(entry with { Size = 0 }, entry.Name, pax);
        if (pax.Count > 0)
            throw new ArgumentException($"{entry.Name}: entries of unknown size need a short ASCII name", nameof(entry));
        await _output.WriteAsync(_header, ct);
        var size = await CopyExactly(data, long.MaxValue, ct);
        if (!TarFormat.FitsOctal(size, TarFormat.LargeFieldLength))
            throw new InvalidImageException($"{entry.Name}: {size} bytes is too large for an archive member");
        await Pad(size, ct);
        var end = _output.Position;
        FillHeader(entry with { Size = size }, entry.Name, pax);
        _output.Position = headerPosition;
        await _output.WriteAsync(_header, ct);
        _output.Position = end;
        return size;
    }

    /// <summary>Writes the two zero blocks that end an archive.</summary>
    public async ValueTask FinishAsync(CancellationToken ct = default)
    {
        if (_finished)
            return;
        _finished = true;
        await _output.WriteAsync(new byte[TarFormat.BlockSize * 2], ct);
        await _output.FlushAsync(ct);
    }

    private void FillHeader(TarEntryHeader e, string name, List<byte> pax)
    {
        var h = _header.AsSpan();
        h.Clear();
        if (!SplitUstarName(name, h))
            TarFormat.AppendPaxRecord(pax, "path", Encoding.UTF8.GetBytes(name));
        if (e.LinkName.Length > 0 && !TarFormat.TryWriteString(h.Slice(TarFormat.LinkNameOffset, TarFormat.LinkNameLength), e.LinkName))
            TarFormat.AppendPaxRecord(pax, "linkpath", Encoding.UTF8.GetBytes(e.LinkName));
        TarFormat.WriteOctal(h.Slice(TarFormat.ModeOffset, TarFormat.SmallFieldLength), e.Mode & 0xfff);
        WriteNumber(h.Slice(TarFormat.UidOffset, TarFormat.SmallFieldLength), e.Uid, "uid", pax);
        WriteNumber(h.Slice(TarFormat.GidOffset, TarFormat.SmallFieldLength), e.Gid, "gid", pax);
        WriteNumber(h.Slice(TarFormat.SizeOffset, TarFormat.LargeFieldLength), e.Size, "size", pax);
        WriteNumber(h.Slice(TarFormat.MtimeOffset, TarFormat.LargeFieldLength), e.ModTime, "mtime", pax);
        h[TarFormat.TypeOffset] = e.Kind switch
        {
            TarEntryKind.File => (byte)'0',
            TarEntryKind.Hardlink => (byte)'1',
            TarEntryKind.Symlink => (byte)'2',
            TarEntryKind.CharDevice => (byte)'3',
            TarEntryKind.BlockDevice => (byte)'4',
            TarEntryKind.Directory => (byte)'5',
            TarEntryKind.Fifo => (byte)'6',
            _ => throw new ArgumentOutOfRangeException(nameof(e)),
        };
        "ustar\0"u8.CopyTo(h[TarFormat.MagicOffset..]);
        "00"u8.CopyTo(h[TarFormat.VersionOffset..]);
        TarFormat.WriteOctal(h.Slice(TarFormat.DevMajorOffset, TarFormat.SmallFieldLength), e.DevMajor);
        TarFormat.WriteOctal(h.Slice(TarFormat.DevMinorOffset, TarFormat.SmallFieldLength), e.DevMinor);
        if (e.Xattrs is { Count: > 0 })
        {
            foreach (var (key, value) in e.Xattrs.OrderBy(x => x.Key, StringComparer.Ordinal))
                TarFormat.AppendPaxRecord(pax, "SCHILY.xattr." + key, value);
        }
        Seal(_header);
    }

    private static void WriteNumber(Span<byte> field, long value, string paxKey, List<byte> pax)
    {
        if (TarFormat.FitsOctal(value, field.Length))
        {
            TarFormat.WriteOctal(field, value);
            return;
        }
        TarFormat.WriteOctal(field, 0);
        TarFormat.AppendPaxRecord(pax, paxKey, Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture)));
    }

    private static bool SplitUstarName(string name, Span<byte> header)
    {
        if (!Ascii.IsValid(name))
            return false;
        if (name.Length <= TarFormat.NameLength)
            return TarFormat.TryWriteString(header.Slice(TarFormat.NameOffset, TarFormat.NameLength), name);
        // ustar prefix/name split at a slash
        var max = Math.Min(name.Length - 1, TarFormat.PrefixLength);
        for (var i = max; i > 0; i--)
        {
            if (name[i] != '/' || name.Length - i - 1 > TarFormat.NameLength || name.Length - i - 1 == 0)
                continue;
            TarFormat.TryWriteString(header.Slice(TarFormat.PrefixOffset, TarFormat.PrefixLength), name[..i]);
            TarFormat.TryWriteString(header.Slice(TarFormat.NameOffset, TarFormat.NameLength), name[(i + 1)..]);
            return true;
        }
        return false;
    }

    private static string PaxHeaderName(string name)
    {
        // like Go's archive/tar: dir/PaxHeaders.0/base, cut to fit
        var trimmed = name.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        var dir = slash >= 0 ? trimmed[..slash] : ".";
        var result = $"{dir}/PaxHeaders.0/{trimmed[(slash + 1)..]}";
        var ascii = new string(result.Select(c => c < 128 ? c : '_').ToArray());
        return ascii.Length > TarFormat.NameLength ? ascii[..TarFormat.NameLength] : ascii;
    }

    private static void Seal(Span<byte> header)
    {
        var sum = TarFormat.Checksum(header);
        TarFormat.WriteOctal(header.Slice(TarFormat.ChecksumOffset, 7), sum);
        header[TarFormat.ChecksumOffset + 7] = (byte)' ';
    }

    private async ValueTask<long> CopyExactly(Stream data, long size, CancellationToken ct)
    {
        var buffer = new byte[(int)Math.Min(size, 1 << 17)];
        long total = 0;
        while (total < size)
        {
            var n = await data.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, size - total)), ct);
            if (n == 0)
                break;
            await _output.WriteAsync(buffer.AsMemory(0, n), ct);
            total += n;
        }
        return total;
    }

    private async ValueTask Pad(long size, CancellationToken ct)
    {
        var pad = (int)(TarFormat.PaddedSize(size) - size);
        if (pad > 0)
            await _output.WriteAsync(new byte[pad], ct);
    }

    public void Dispose()
    {
        if (!_leaveOpen)
            _output.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_leaveOpen)
            await _output.DisposeAsync();
    }
}
