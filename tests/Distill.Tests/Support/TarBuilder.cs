using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Distill.Oci;

namespace Distill.Tests.Support;

/// <summary>Builds a tar in memory, entry by entry, in the order given (for hand-made layers and archives).</summary>
public sealed class TarBuilder
{
    private readonly List<(TarEntryHeader Header, byte[]? Data)> _entries = [];

    public TarBuilder Directory(string name, int mode = 0x1ed)
    {
        _entries.Add((new TarEntryHeader { Name = name, Kind = TarEntryKind.Directory, Mode = mode }, null));
        return this;
    }

    public TarBuilder File(string name, byte[] content, int mode = 0x1a4)
    {
        _entries.Add((new TarEntryHeader { Name = name, Kind = TarEntryKind.File, Mode = mode, Size = content.Length }, content));
        return this;
    }

    public TarBuilder File(string name, string content, int mode = 0x1a4) => File(name, Encoding.UTF8.GetBytes(content), mode);

    public TarBuilder Symlink(string name, string target)
    {
        _entries.Add((new TarEntryHeader { Name = name, Kind = TarEntryKind.Symlink, Mode = 0x1ff, LinkName = target }, null));
        return this;
    }

    public async Task<byte[]> ToBytesAsync()
    {
        using var output = new MemoryStream();
        await using (var tar = new TarStreamWriter(output, leaveOpen: true))
        {
            foreach (var (header, data) in _entries)
            {
                using var stream = data is null ? null : new MemoryStream(data, writable: false);
                await tar.WriteEntryAsync(header, stream);
            }
            await tar.FinishAsync();
        }
        return output.ToArray();
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(data);
        return output.ToArray();
    }

    public static string Sha256(byte[] data) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(data));
}
