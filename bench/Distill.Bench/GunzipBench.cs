using System.Diagnostics;
using System.Globalization;
using Distill.Oci;

/// <summary>
/// One decompression pass over gzip blobs through <see cref="LayerStreams.Decompress"/> (System.IO.Compression, zlib-ng),
/// as <c>distill verify</c> reads layers: prints the seconds and the uncompressed bytes (bench/verify.sh compares it with
/// <c>gzip -dc</c>).
/// </summary>
internal static class GunzipBench
{
    public static void Run(IReadOnlyList<string> files)
    {
        var clock = Stopwatch.StartNew();
        long total = 0;
        var buffer = new byte[1 << 20];
        foreach (var file in files)
        {
            using var stream = LayerStreams.Decompress(File.OpenRead(file), LayerCompression.Gzip);
            int read;
            while ((read = stream.Read(buffer)) > 0)
                total += read;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds:0.000} s, {total} bytes"));
    }
}
