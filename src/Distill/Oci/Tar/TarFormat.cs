using System.Buffers.Text;
using System.Text;

namespace Distill.Oci;

/// <summary>
/// Field layout and number codecs of the ustar header (POSIX.1-1988, with PAX and GNU extensions read).
/// Distill writes tar itself rather than through System.Formats.Tar because that writer puts the process id
/// into PAX header names, which makes layers irreproducible, and its reader does not expose entry offsets,
/// which archive transports need for random access.
/// </summary>
internal static class TarFormat
{
    public const int BlockSize = 512;
    public const int NameOffset = 0, NameLength = 100;
    public const int ModeOffset = 100, UidOffset = 108, GidOffset = 116, SmallFieldLength = 8;
    public const int SizeOffset = 124, MtimeOffset = 136, LargeFieldLength = 12;
    public const int ChecksumOffset = 148, TypeOffset = 156;
    public const int LinkNameOffset = 157, LinkNameLength = 100;
    public const int MagicOffset = 257, VersionOffset = 263;
    public const int UserNameOffset = 265, GroupNameOffset = 297, OwnerNameLength = 32;
    public const int DevMajorOffset = 329, DevMinorOffset = 337;
    public const int PrefixOffset = 345, PrefixLength = 155;

    public static long PaddedSize(long size) => (size + BlockSize - 1) / BlockSize * BlockSize;

    public static bool FitsOctal(long value, int fieldLength) => value >= 0 && value < 1L << (3 * (fieldLength - 1));

    public static void WriteOctal(Span<byte> field, long value)
    {
        // width-1 zero-padded octal digits and a NUL, as Go and GNU tar write them
        var digits = field.Length - 1;
        for (var i = digits - 1; i >= 0; i--)
        {
            field[i] = (byte)('0' + (value & 7));
            value >>= 3;
        }
        field[digits] = 0;
    }

    /// <summary>An octal or GNU base-256 number; errors name the archive (<paramref name="where"/>) and the field.</summary>
    public static long ReadNumber(ReadOnlySpan<byte> field, string where, string what)
    {
        if (field.Length > 0 && (field[0] & 0x80) != 0)
        {
            // base-256 (GNU): big-endian two's complement with the top bit as marker
            long v = field[0] & 0x3f;
            if ((field[0] & 0x40) != 0)
                throw new InvalidImageException($"{where}: negative number in tar header field {what}");
            for (var i = 1; i < field.Length; i++)
            {
                if (v > long.MaxValue >> 8)
                    throw new InvalidImageException($"{where}: number too large in tar header field {what}");
                v = (v << 8) | field[i];
            }
            return v;
        }
        var s = field.Trim((byte)' ');
        var end = s.IndexOf((byte)0);
        if (end >= 0)
            s = s[..end];
        s = s.Trim((byte)' ');
        if (s.IsEmpty)
            return 0;
        long value = 0;
        foreach (var b in s)
        {
            if (b is < (byte)'0' or > (byte)'7')
                throw new InvalidImageException($"{where}: invalid octal number in tar header field {what}");
            value = (value << 3) | (long)(b - '0');
        }
        return value;
    }

    public static string ReadString(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end >= 0 ? field[..end] : field);
    }

    public static bool TryWriteString(Span<byte> field, string value)
    {
        if (!Ascii.IsValid(value) || value.Length > field.Length)
            return false;
        Encoding.ASCII.GetBytes(value, field);
        return true;
    }

    public static int Checksum(ReadOnlySpan<byte> header)
    {
        var sum = 0;
        for (var i = 0; i < BlockSize; i++)
            sum += i is >= ChecksumOffset and < ChecksumOffset + 8 ? ' ' : header[i];
        return sum;
    }

    public static bool IsZeroBlock(ReadOnlySpan<byte> block) => !block.ContainsAnyExcept((byte)0);

    /// <summary>One PAX record, <c>"%d %s=%s\n"</c>, where the length counts itself.</summary>
    public static void AppendPaxRecord(List<byte> buffer, string key, ReadOnlySpan<byte> value)
    {
        var body = Encoding.UTF8.GetByteCount(key) + value.Length + 3; // ' ', '=', '\n'
        var length = body + Digits(body);
        if (Digits(length) != Digits(body))
            length = body + Digits(length);
        buffer.AddRange(Encoding.ASCII.GetBytes(length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        buffer.Add((byte)' ');
        buffer.AddRange(Encoding.UTF8.GetBytes(key));
        buffer.Add((byte)'=');
        buffer.AddRange(value.ToArray());
        buffer.Add((byte)'\n');
    }

    private static int Digits(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture).Length;

    public static Dictionary<string, byte[]> ParsePaxRecords(ReadOnlySpan<byte> data, string where)
    {
        var records = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        while (!data.IsEmpty)
        {
            if (data[0] == 0)
                break;
            var space = data.IndexOf((byte)' ');
            if (space <= 0 || !Utf8Parser.TryParse(data[..space], out int length, out var consumed) || consumed != space
                || length <= space + 1 || length > data.Length || data[length - 1] != '\n')
                throw new InvalidImageException($"malformed PAX header record in {where}");
            var record = data[(space + 1)..(length - 1)];
            var eq = record.IndexOf((byte)'=');
            if (eq <= 0)
                throw new InvalidImageException($"malformed PAX header record in {where}");
            records[Encoding.UTF8.GetString(record[..eq])] = record[(eq + 1)..].ToArray();
            data = data[length..];
        }
        return records;
    }
}
