using Distill.Oci;

namespace Distill.Tests.Oci.Layers;

public sealed class ParallelChunkStreamTests
{
    public static TheoryData<LayerCompression, int> Cases => new()
    {
        { LayerCompression.Gzip, 0 },
        { LayerCompression.Gzip, 1000 },
        { LayerCompression.Gzip, 3 * 4096 + 17 },
        { LayerCompression.Zstd, 0 },
        { LayerCompression.Zstd, 1000 },
        { LayerCompression.Zstd, 3 * 4096 + 17 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Round_trips_and_gives_the_same_bytes_whatever_the_parallelism(LayerCompression compression, int length)
    {
        var input = Input(length);
        var one = Compress(compression, input, parallelism: 1, writeSize: 1);
        var four = Compress(compression, input, parallelism: 4, writeSize: 777);
        Assert.Equal(one, four);
        using var decompressed = new MemoryStream();
        using (var reader = LayerStreams.Decompress(new MemoryStream(four), compression))
            reader.CopyTo(decompressed);
        Assert.Equal(input, decompressed.ToArray());
        Assert.Equal(compression, LayerStreams.Detect(four));
    }

    [Fact]
    public void Input_of_less_than_one_chunk_is_one_gzip_member()
    {
        var input = Input(1000);
        using var plain = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(plain, new System.IO.Compression.ZLibCompressionOptions { CompressionLevel = 6 }))
            gzip.Write(input);
        Assert.Equal(plain.ToArray(), Compress(LayerCompression.Gzip, input, parallelism: 2, writeSize: 100));
    }

    private static byte[] Input(int length)
    {
        // compressible but not trivial: words from a small alphabet, with some noise
        var random = new Random(length);
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
            bytes[i] = random.Next(8) == 0 ? (byte)random.Next(256) : (byte)('a' + i % 7 + (i / 512) % 3);
        return bytes;
    }

    private static byte[] Compress(LayerCompression compression, byte[] input, int parallelism, int writeSize)
    {
        using var output = new MemoryStream();
        using (ParallelChunkStream stream = compression == LayerCompression.Gzip
            ? new ParallelGzipStream(output, 6, chunkSize: 4096, parallelism)
            : new ParallelZstdStream(output, 3, chunkSize: 4096, parallelism))
        {
            for (var offset = 0; offset < input.Length; offset += writeSize)
                stream.Write(input.AsSpan(offset, Math.Min(writeSize, input.Length - offset)));
            stream.Complete();
        }
        Assert.NotEmpty(output.ToArray());
        return output.ToArray();
    }
}
