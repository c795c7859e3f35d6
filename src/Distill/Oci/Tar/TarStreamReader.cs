using System.Globalization;
using System.Text;

namespace Distill.Oci;

/// <summary>
/// Reads a tar stream entry by entry without seeking: ustar, PAX (path, linkpath, size, uid, gid, mtime, xattrs)
/// and GNU long names. Each entry's data is a bounded stream read in place; what is not read is skipped.
/// A truncated or corrupt stream gives an <see cref="InvalidImageException"/> naming <c>what</c>.
/// </summary>
public sealed class TarStreamReader : IDisposable
{
    private readonly Stream _input;
    private readonly string _what;
    private readonly bool _leaveOpen;
    private readonly byte[] _block = new byte[TarFormat.BlockSize];
    private long _remaining; // data bytes of the current entry not yet consumed
    private long _padding;
    private long _position;
    private BoundedStream? _current;

    public TarStreamReader(Stream input, string what, bool leaveOpen = false)
    {
        _input = input;
        _what = what;
        _leaveOpen = leaveOpen;
    }

    /// <summary>Offset in the stream where the current entry's data begins.</summary>
    public long DataOffset { get; private set; }

    /// <summary>The next entry, or null at the end of the archive.</summary>
    public async ValueTask<TarEntryHeader?> ReadNextAsync(CancellationToken ct = default)
    {
        await SkipRest(ct);
        Dictionary<string, byte[]>? pax = null;
        string? longName = null, longLink = null;
        while (true)
        {
            // an extension header (PAX, GNU long name) promises an entry: the archive may not end before it
            var pending = pax is not null || longName is not null || longLink is not null;
            if (!await ReadBlock(_block, allowEof: !pending, ct) || TarFormat.IsZeroBlock(_block))
            {
                if (pending)
                    throw new InvalidImageException($"{_what}: truncated tar archive (extended header without its entry)");
                return null;
            }
            var header = _block.AsSpan();
            var stored = TarFormat.ReadNumber(header.Slice(TarFormat.ChecksumOffset, 8), _what, "chksum");
            if (stored != TarFormat.Checksum(header))
                throw new InvalidImageException($"{_what}: corrupt tar header at offset {_position - TarFormat.BlockSize} (checksum mismatch)");
            var type = (char)header[TarFormat.TypeOffset];
            var size = TarFormat.ReadNumber(header.Slice(TarFormat.SizeOffset, TarFormat.LargeFieldLength), _what, "size");
            switch (type)
            {
                case 'x':
                    pax = TarFormat.ParsePaxRecords(await ReadSmallData(size, ct), _what);
                    continue;
                case 'g':
                    await ReadSmallData(size, ct);
                    continue;
                case 'L':
                    longName = TrimNul(await ReadSmallData(size, ct));
                    continue;
                case 'K':
                    longLink = TrimNul(await ReadSmallData(size, ct));
                    continue;
                case 'S':
                    throw new InvalidImageException($"{_what}: GNU sparse files are not supported");
            }
            var entry = ParseHeader(header, type, size, pax, longName, longLink);
            _remaining = entry.Kind == TarEntryKind.File ? entry.Size : 0;
            if (entry.Kind != TarEntryKind.File && size > 0)
                _remaining = size; // data on a non-file entry is skipped
            _padding = TarFormat.PaddedSize(_remaining) - _remaining;
            DataOffset = _position;
            _current = null;
            return entry;
        }
    }

    /// <summary>The current entry's data, read in place from the archive stream.</summary>
    public Stream OpenData() => _current ??= new BoundedStream(this);

    private TarEntryHeader ParseHeader(ReadOnlySpan<byte> h, char type, long size, Dictionary<string, byte[]>? pax, string? longName, string? longLink)
    {
        var name = TarFormat.ReadString(h.Slice(TarFormat.NameOffset, TarFormat.NameLength));
        var magic = h.Slice(TarFormat.MagicOffset, 6);
        if (magic.SequenceEqual("ustar\0"u8))
        {
            var prefix = TarFormat.ReadString(h.Slice(TarFormat.PrefixOffset, TarFormat.PrefixLength));
            if (prefix.Length > 0)
                name = prefix + "/" + name;
        }
        var link = TarFormat.ReadString(h.Slice(TarFormat.LinkNameOffset, TarFormat.LinkNameLength));
        var mode = TarFormat.ReadNumber(h.Slice(TarFormat.ModeOffset, TarFormat.SmallFieldLength), _what, "mode");
        var uid = TarFormat.ReadNumber(h.Slice(TarFormat.UidOffset, TarFormat.SmallFieldLength), _what, "uid");
        var gid = TarFormat.ReadNumber(h.Slice(TarFormat.GidOffset, TarFormat.SmallFieldLength), _what, "gid");
        var mtime = TarFormat.ReadNumber(h.Slice(TarFormat.MtimeOffset, TarFormat.LargeFieldLength), _what, "mtime");
        string? uname = TarFormat.ReadString(h.Slice(TarFormat.UserNameOffset, TarFormat.OwnerNameLength));
        string? gname = TarFormat.ReadString(h.Slice(TarFormat.GroupNameOffset, TarFormat.OwnerNameLength));
        Dictionary<string, byte[]>? xattrs = null;
        if (longName is not null)
            name = longName;
        if (longLink is not null)
            link = longLink;
        if (pax is not null)
        {
            foreach (var (key, value) in pax)
            {
                var text = Encoding.UTF8.GetString(value);
                switch (key)
                {
                    case "path": name = text; break;
                    case "linkpath": link = text; break;
                    case "size": size = ParseLong(text, key); break;
                    case "uid": uid = ParseLong(text, key); break;
                    case "gid": gid = ParseLong(text, key); break;
                    case "uname": uname = text; break;
                    case "gname": gname = text; break;
                    case "mtime": mtime = ParseTime(text, key); break;
                    default:
                        if (key.StartsWith("SCHILY.xattr.", StringComparison.Ordinal))
                            (xattrs ??= new(StringComparer.Ordinal))[key["SCHILY.xattr.".Length..]] = value;
                        else if (key.StartsWith("GNU.sparse.", StringComparison.Ordinal))
                            throw new InvalidImageException($"{_what}: GNU sparse files are not supported ({name})");
                        break;
                }
            }
        }
        var kind = type switch
        {
            '0' or '\0' or '7' => TarEntryKind.File,
            '1' => TarEntryKind.Hardlink,
            '2' => TarEntryKind.Symlink,
            '3' => TarEntryKind.CharDevice,
            '4' => TarEntryKind.BlockDevice,
            '5' => TarEntryKind.Directory,
            '6' => TarEntryKind.Fifo,
            _ => throw new InvalidImageException($"{_what}: unsupported tar entry type '{type}' for {name}"),
        };
        // old tar writers mark directories only by the trailing slash
        if (kind == TarEntryKind.File && name.EndsWith('/'))
            kind = TarEntryKind.Directory;
        // a header's Name is clean of the trailing slash tar puts on directories (the writer adds it back)
        if (kind == TarEntryKind.Directory && name.TrimEnd('/') is { Length: > 0 } trimmed)
            name = trimmed;
        return new TarEntryHeader
        {
            Name = name,
            Kind = kind,
            Mode = (int)(mode & 0xfff),
            Uid = ToInt(uid, "uid", name),
            Gid = ToInt(gid, "gid", name),
            Size = kind == TarEntryKind.File ? size : 0,
            ModTime = mtime,
            LinkName = link,
            DevMajor = ToInt(TarFormat.ReadNumber(h.Slice(TarFormat.DevMajorOffset, TarFormat.SmallFieldLength), _what, "devmajor"), "devmajor", name),
            DevMinor = ToInt(TarFormat.ReadNumber(h.Slice(TarFormat.DevMinorOffset, TarFormat.SmallFieldLength), _what, "devminor"), "devminor", name),
            Xattrs = xattrs,
            UserName = string.IsNullOrEmpty(uname) ? null : uname,
            GroupName = string.IsNullOrEmpty(gname) ? null : gname,
        };
    }

    private long ParseLong(string text, string key) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v
            : throw new InvalidImageException($"{_what}: invalid PAX {key} \"{text}\"");

    private long ParseTime(string text, string key) =>
        double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            && seconds is >= long.MinValue and <= long.MaxValue
            ? (long)Math.Floor(seconds)
            : throw new InvalidImageException($"{_what}: invalid PAX {key} \"{text}\"");

    /// <summary>Ids and device numbers are ints: a larger value is corrupt rather than something to wrap around.</summary>
    private int ToInt(long value, string field, string name) =>
        value is >= 0 and <= int.MaxValue ? (int)value : throw new InvalidImageException($"{_what}: {field} {value} out of range for {name}");

    private static string TrimNul(byte[] data)
    {
        var end = Array.IndexOf(data, (byte)0);
        return Encoding.UTF8.GetString(data, 0, end >= 0 ? end : data.Length);
    }

    private async ValueTask<byte[]> ReadSmallData(long size, CancellationToken ct)
    {
        if (size > 1 << 24)
            throw new InvalidImageException($"{_what}: tar extension header too large ({size} bytes)");
        var data = new byte[size];
        await ReadExactly(data, ct);
        var pad = TarFormat.PaddedSize(size) - size;
        if (pad > 0)
            await ReadExactly(new byte[pad], ct);
        return data;
    }

    private async ValueTask SkipRest(CancellationToken ct)
    {
        var toSkip = _remaining + _padding;
        _remaining = 0;
        _padding = 0;
        if (toSkip == 0)
            return;
        if (_input.CanSeek)
        {
            if (_input.Position + toSkip > _input.Length)
                throw new InvalidImageException($"{_what}: truncated tar archive");
            _input.Seek(toSkip, SeekOrigin.Current);
            _position += toSkip;
            return;
        }
        var buffer = new byte[(int)Math.Min(toSkip, 1 << 16)];
        while (toSkip > 0)
        {
            var n = await InputReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, toSkip)), ct);
            if (n == 0)
                throw new InvalidImageException($"{_what}: truncated tar archive");
            toSkip -= n;
            _position += n;
        }
    }

    private async ValueTask<bool> ReadBlock(byte[] block, bool allowEof, CancellationToken ct)
    {
        var read = 0;
        while (read < block.Length)
        {
            var n = await InputReadAsync(block.AsMemory(read), ct);
            if (n == 0)
            {
                if (read == 0 && allowEof)
                    return false;
                throw new InvalidImageException($"{_what}: truncated tar archive");
            }
            read += n;
            _position += n;
        }
        return true;
    }

    private async ValueTask ReadExactly(byte[] buffer, CancellationToken ct) => await ReadBlock(buffer, allowEof: false, ct);

    private int ReadData(Span<byte> buffer)
    {
        if (_remaining == 0)
            return 0;
        int n;
        try
        {
            n = _input.Read(buffer[..(int)Math.Min(buffer.Length, _remaining)]);
        }
        catch (Exception e) when (e is InvalidDataException or ZstdSharp.ZstdException)
        {
            throw Undecodable(e);
        }
        if (n == 0)
            throw new InvalidImageException($"{_what}: truncated tar archive");
        _remaining -= n;
        _position += n;
        return n;
    }

    /// <summary>
    /// A read from the input; a decompressor's error (a damaged gzip or zstd stream says only "unsupported compression
    /// method" or the like) names what is being read.
    /// </summary>
    private async ValueTask<int> InputReadAsync(Memory<byte> buffer, CancellationToken ct)
    {
        try
        {
            return await _input.ReadAsync(buffer, ct);
        }
        catch (Exception e) when (e is InvalidDataException or ZstdSharp.ZstdException)
        {
            throw Undecodable(e);
        }
    }

    private InvalidImageException Undecodable(Exception e) => new($"{_what}: cannot be decompressed: {e.Message}", e);

    private async ValueTask<int> ReadDataAsync(Memory<byte> buffer, CancellationToken ct)
    {
        if (_remaining == 0)
            return 0;
        var n = await InputReadAsync(buffer[..(int)Math.Min(buffer.Length, _remaining)], ct);
        if (n == 0)
            throw new InvalidImageException($"{_what}: truncated tar archive");
        _remaining -= n;
        _position += n;
        return n;
    }

    public void Dispose()
    {
        if (!_leaveOpen)
            _input.Dispose();
    }

    private sealed class BoundedStream(TarStreamReader owner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => owner.ReadData(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer) => owner.ReadData(buffer);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => owner.ReadDataAsync(buffer, cancellationToken);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            owner.ReadDataAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
