using System.Text;
using Distill.Analysis.Inventory;

namespace Distill.Analysis;

/// <summary>
/// What a Go binary says about its build: the <c>.go.buildinfo</c> blob that starts with <c>"\xff Go buildinf:"</c>
/// (the format <c>debug/buildinfo</c> reads). Since Go 1.18 it holds the version and module info inline; the module
/// info (<see cref="Modules"/>: main module, dependencies, replacements, build settings) tells whether cgo was on.
/// </summary>
public sealed record GoBuildInfo(string? Version, bool? CgoEnabled)
{
    /// <summary>The blob's magic; the blob is 16-byte aligned in the file.</summary>
    public static ReadOnlySpan<byte> Magic => MagicBytes;

    private static readonly byte[] MagicBytes = [0xff, .. " Go buildinf:"u8];

    /// <summary>Fixed header: magic, pointer size, flags, padding.</summary>
    public const int HeaderSize = 32;

    /// <summary>The module info (<c>runtime/debug.BuildInfo</c>), when the binary was built with any (GOPATH builds record settings only).</summary>
    public GoModuleInfo? Modules { get; init; }

    /// <summary>Finds and reads the build info in a whole file; null when there is none.</summary>
    public static GoBuildInfo? Find(ReadOnlySpan<byte> file)
    {
        // the blob is 16-byte aligned; look at aligned hits whose header is plausible (the magic also appears as a
        // string literal in binaries that read build info, such as the go command itself)
        var start = 0;
        while (start < file.Length)
        {
            var hit = file[start..].IndexOf(Magic);
            if (hit < 0)
                return null;
            var at = start + hit;
            if (at % 16 == 0 && IsPlausibleHeader(file[at..]))
                return Parse(file[at..]);
            start = at + 1;
        }
        return null;
    }

    /// <summary>True when the bytes after the magic are a pointer size (4 or 8) and known flags.</summary>
    public static bool IsPlausibleHeader(ReadOnlySpan<byte> blob) =>
        blob.Length >= HeaderSize && blob[14] is 4 or 8 && (blob[15] & ~3) == 0;

    /// <summary>Reads the blob at the start of <paramref name="blob"/> (which begins with the magic).</summary>
    public static GoBuildInfo Parse(ReadOnlySpan<byte> blob)
    {
        if (blob.Length < HeaderSize)
            return new GoBuildInfo(null, null);
        var flags = blob[15];
        if ((flags & 2) == 0)
            return new GoBuildInfo(null, null); // before Go 1.18: pointers into the data segment, not followed here
        var rest = blob[HeaderSize..];
        var version = ReadString(ref rest);
        var modules = ReadString(ref rest);
        var info = modules is null ? null : GoModuleInfo.Parse(StripSentinels(modules));
        return new GoBuildInfo(version is null ? null : Encoding.UTF8.GetString(version), info?.CgoEnabled) { Modules = info };
    }

    /// <summary>
    /// Bytes the blob needs from its start, as far as <paramref name="blob"/> shows: null when it holds the whole
    /// blob or cannot be read; otherwise a lower bound to read before asking again (a streaming reader's question).
    /// </summary>
    public static int? MoreNeeded(ReadOnlySpan<byte> blob)
    {
        if (blob.Length < HeaderSize)
            return HeaderSize;
        if ((blob[15] & 2) == 0)
            return null;
        var at = HeaderSize;
        for (var field = 0; field < 2; field++)
        {
            if (VarintAt(blob, at) is not { } found)
                return blob.Length - at >= 10 ? null : at + 10;
            var end = (long)at + found.Width + (long)found.Value;
            if (end > int.MaxValue)
                return null;
            if (end > blob.Length)
                return (int)end;
            at = (int)end;
        }
        return null;
    }

    /// <summary>The module info is wrapped in 16-byte sentinels (<c>cmd/go/internal/modload.ModInfoData</c>).</summary>
    private static string StripSentinels(byte[] modules)
    {
        var span = modules.AsSpan();
        return span.Length >= 33 && span[^17] == (byte)'\n' ? Encoding.UTF8.GetString(span[16..^16]) : "";
    }

    private static (ulong Value, int Width)? VarintAt(ReadOnlySpan<byte> data, int at)
    {
        ulong value = 0;
        var shift = 0;
        for (var i = 0; at + i < data.Length && i < 10; i++)
        {
            var b = data[at + i];
            value |= (ulong)(b & 0x7f) << shift;
            shift += 7;
            if ((b & 0x80) == 0)
                return (value, i + 1);
        }
        return null;
    }

    private static byte[]? ReadString(ref ReadOnlySpan<byte> data)
    {
        if (VarintAt(data, 0) is not { } found || found.Value > (ulong)(data.Length - found.Width))
            return null;
        var text = data.Slice(found.Width, (int)found.Value).ToArray();
        data = data[(found.Width + (int)found.Value)..];
        return text;
    }
}
