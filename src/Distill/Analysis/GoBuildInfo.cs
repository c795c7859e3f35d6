using System.Text;

namespace Distill.Analysis;

/// <summary>
/// What a Go binary says about its build: the <c>.go.buildinfo</c> blob that starts with <c>"\xff Go buildinf:"</c>
/// (the format <c>debug/buildinfo</c> reads). Since Go 1.18 it holds the version and module info inline; the module
/// info's <c>build CGO_ENABLED=…</c> setting tells whether cgo was on.
/// </summary>
public sealed record GoBuildInfo(string? Version, bool? CgoEnabled)
{
    private static readonly byte[] MagicBytes = [0xff, .. " Go buildinf:"u8];

    /// <summary>Finds and reads the build info in a whole file; null when there is none.</summary>
    public static GoBuildInfo? Find(ReadOnlySpan<byte> file)
    {
        // the blob is 16-byte aligned; look at aligned hits only
        var start = 0;
        while (start < file.Length)
        {
            var hit = file[start..].IndexOf(MagicBytes);
            if (hit < 0)
                return null;
            var at = start + hit;
            if (at % 16 == 0)
                return Parse(file[at..]);
            start = at + 1;
        }
        return null;
    }

    /// <summary>Reads the blob at the start of <paramref name="blob"/> (which begins with the magic).</summary>
    public static GoBuildInfo Parse(ReadOnlySpan<byte> blob)
    {
        const int header = 32;
        if (blob.Length < header)
            return new GoBuildInfo(null, null);
        var flags = blob[15];
        if ((flags & 2) == 0)
            return new GoBuildInfo(null, null); // before Go 1.18: pointers into the data segment, not followed here
        var rest = blob[header..];
        var version = ReadString(ref rest);
        var modules = ReadString(ref rest);
        return new GoBuildInfo(version, modules is null ? null : CgoSetting(modules));
    }

    private static string? ReadString(ref ReadOnlySpan<byte> data)
    {
        ulong length = 0;
        var shift = 0;
        for (var i = 0; i < data.Length && i < 10; i++)
        {
            var b = data[i];
            length |= (ulong)(b & 0x7f) << shift;
            shift += 7;
            if ((b & 0x80) == 0)
            {
                var start = i + 1;
                if (length > (ulong)(data.Length - start))
                    return null;
                var text = Encoding.UTF8.GetString(data.Slice(start, (int)length));
                data = data[(start + (int)length)..];
                return text;
            }
        }
        return null;
    }

    private static bool? CgoSetting(string modules)
    {
        foreach (var line in modules.Split('\n'))
        {
            if (line.StartsWith("build\tCGO_ENABLED=", StringComparison.Ordinal))
                return line.EndsWith("=1", StringComparison.Ordinal);
        }
        return null;
    }
}
