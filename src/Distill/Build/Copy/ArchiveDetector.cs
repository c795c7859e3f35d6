using System.IO.Compression;
using SharpCompress.Compressors.BZip2;
using SharpCompress.Compressors.Xz;
using ZstdSharp;

namespace Distill.Build;

/// <summary>
/// Whether an ADD source is a tar archive, judged as BuildKit does by content and never by name: the first bytes name
/// a compression (gzip, bzip2, xz, zstd, or none), and the decompressed stream must start with a tar header whose
/// checksum holds. An empty archive (only zero blocks) is not an archive and is copied as a file.
/// </summary>
internal static class ArchiveDetector
{
    /// <summary>The decompressed tar stream of <paramref name="path"/> when it is an archive, else null.</summary>
    public static Stream? OpenArchive(string path)
    {
        if (!IsArchive(path))
            return null;
        return Decompress(File.OpenRead(path));
    }

    private static bool IsArchive(string path)
    {
        try
        {
            using var stream = Decompress(File.OpenRead(path));
            var block = new byte[512];
            var read = 0;
            while (read < block.Length)
            {
                var n = stream.Read(block, read, block.Length - read);
                if (n == 0)
                    return false;
                read += n;
            }
            return IsTarHeader(block);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or InvalidOperationException or ZstdException
                                      or ArgumentException or NotSupportedException or IndexOutOfRangeException)
        {
            return false; // a corrupt compressed stream is just a file
        }
    }

    private static Stream Decompress(FileStream file)
    {
        Span<byte> head = stackalloc byte[6];
        var n = file.Read(head);
        file.Position = 0;
        head = head[..n];
        if (head.StartsWith((ReadOnlySpan<byte>)[0x1f, 0x8b]))
            return new GZipStream(file, CompressionMode.Decompress);
        if (head.StartsWith("BZh"u8))
            return BZip2Stream.Create(file, SharpCompress.Compressors.CompressionMode.Decompress, decompressConcatenated: true);
        if (head.StartsWith((ReadOnlySpan<byte>)[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))
            return new XZStream(file);
        if (head.StartsWith((ReadOnlySpan<byte>)[0x28, 0xb5, 0x2f, 0xfd]))
            return new DecompressionStream(file);
        return file;
    }

    /// <summary>Go's archive/tar test: not all zeros, and the stored checksum equals the unsigned or signed sum of the header with the checksum field as spaces.</summary>
    private static bool IsTarHeader(ReadOnlySpan<byte> block)
    {
        if (!block.ContainsAnyExcept((byte)0))
            return false;
        long unsigned = 0, signed = 0;
        for (var i = 0; i < 512; i++)
        {
            var b = i is >= 148 and < 156 ? (byte)' ' : block[i];
            unsigned += b;
            signed += (sbyte)b;
        }
        var field = System.Text.Encoding.ASCII.GetString(block[148..156]).Trim(' ', '\0');
        if (field.Length == 0 || !field.All(c => c is >= '0' and <= '7'))
            return false;
        var stored = Convert.ToInt64(field, 8);
        return stored == unsigned || stored == signed;
    }
}
