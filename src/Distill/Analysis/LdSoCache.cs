using System.Buffers.Binary;
using System.Text;

namespace Distill.Analysis;

/// <summary>
/// glibc's <c>/etc/ld.so.cache</c> (written by <c>ldconfig</c>) in its current format, <c>glibc-ld.so.cache1.1</c>,
/// alone or after the old <c>ld.so-1.7.0</c> table: a header, then (flags, soname offset, path offset, osversion,
/// hwcap) entries, with string offsets from the start of the new header. glibc's <c>elf/cache.c</c> defines it.
/// </summary>
public sealed class LdSoCache
{
    private const int HeaderSize = 48, EntrySize = 24;
    private static readonly byte[] Magic = "glibc-ld.so.cache1.1"u8.ToArray();

    private readonly Dictionary<string, List<string>> _paths;

    private LdSoCache(Dictionary<string, List<string>> paths) => _paths = paths;

    public int Count => _paths.Values.Sum(p => p.Count);

    /// <summary>The paths listed for a soname, in the cache's order (one per architecture it holds).</summary>
    public IReadOnlyList<string> Lookup(string soname) => _paths.TryGetValue(soname, out var list) ? list : [];

    /// <summary>The cache, or null when the bytes are not one (or are corrupt).</summary>
    public static LdSoCache? Parse(ReadOnlySpan<byte> data)
    {
        var start = data.IndexOf(Magic);
        if (start < 0 || data.Length - start < HeaderSize)
            return null;
        var cache = data[start..];
        var count = BinaryPrimitives.ReadUInt32LittleEndian(cache[20..]);
        if (count > (uint)((cache.Length - HeaderSize) / EntrySize))
            return null;
        var paths = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (var i = 0; i < (int)count; i++)
        {
            var entry = cache.Slice(HeaderSize + (i * EntrySize), EntrySize);
            var key = String(cache, BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]));
            var value = String(cache, BinaryPrimitives.ReadUInt32LittleEndian(entry[8..]));
            if (key is null || value is null)
                return null;
            if (!paths.TryGetValue(key, out var list))
                paths[key] = list = [];
            list.Add(value);
        }
        return new LdSoCache(paths);
    }

    private static string? String(ReadOnlySpan<byte> cache, uint offset)
    {
        if (offset >= (uint)cache.Length)
            return null;
        var rest = cache[(int)offset..];
        var end = rest.IndexOf((byte)0);
        return end < 0 ? null : Encoding.UTF8.GetString(rest[..end]);
    }
}
