using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Distill.Build;

/// <summary>
/// SHA-256 of files COPY reads, remembered by what <c>lstat</c> says of them (path, inode, size, mtime and ctime to
/// the nanosecond: any write or metadata change moves ctime), so a rebuild hashes only files that changed — BuildKit
/// keeps such a checksum cache too. Kept per store in <c>build/checksums</c> (written atomically, stale entries
/// dropped when their file is gone or changed).
/// </summary>
internal static class ContentChecksums
{
    private static readonly ConcurrentDictionary<string, (string Stamp, string Hex)> s_known = new(StringComparer.Ordinal);
    private static int s_added;

    public static string Of(string hostPath, CopyStat stat)
    {
        var stamp = string.Create(CultureInfo.InvariantCulture,
            $"{stat.Device}:{stat.Inode}:{stat.Size}:{stat.MtimeSeconds}.{stat.MtimeNanoseconds}:{stat.CtimeSeconds}.{stat.CtimeNanoseconds}");
        if (s_known.TryGetValue(hostPath, out var known) && known.Stamp == stamp && !IsRecent(stat))
            return known.Hex;
        string hex;
        using (var file = File.OpenRead(hostPath))
            hex = Convert.ToHexString(SHA256.HashData(file));
        // a file changed within the last two seconds may change again within the same timestamp tick: not remembered
        if (!IsRecent(stat))
        {
            s_known[hostPath] = (stamp, hex);
            Interlocked.Increment(ref s_added);
        }
        return hex;
    }

    private static bool IsRecent(CopyStat stat) =>
        DateTimeOffset.UtcNow.ToUnixTimeSeconds() - Math.Max(stat.MtimeSeconds, stat.CtimeSeconds) < 2;

    public static void Load(string file)
    {
        if (!File.Exists(file))
            return;
        try
        {
            foreach (var line in File.ReadLines(file))
            {
                var fields = line.Split('\t');
                if (fields.Length == 3)
                    s_known.TryAdd(fields[0], (fields[1], fields[2]));
            }
        }
        catch (IOException)
        {
            // a damaged cache only costs hashing again
        }
    }

    public static async Task SaveAsync(string file, CancellationToken ct)
    {
        if (Interlocked.Exchange(ref s_added, 0) == 0 && File.Exists(file))
            return;
        var text = new StringBuilder();
        foreach (var (path, (stamp, hex)) in s_known)
        {
            // entries of files that are gone are dropped, so the cache follows the contexts that are built
            if (!path.Contains('\t', StringComparison.Ordinal) && !path.Contains('\n', StringComparison.Ordinal) && File.Exists(path))
                text.Append(path).Append('\t').Append(stamp).Append('\t').Append(hex).Append('\n');
        }
        await Distill.Oci.BlobFiles.WriteAtomicAsync(file, Encoding.UTF8.GetBytes(text.ToString()), ct);
    }
}
