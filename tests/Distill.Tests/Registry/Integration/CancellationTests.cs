using Distill.Oci;
using Distill.Registry;
using Distill.Tests.Support;

namespace Distill.Tests.Registry.Integration;

/// <summary>A pull into the local store cancelled midway leaves no partial blob, temp file or staging entry behind.</summary>
public sealed class CancellationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A layer whose compressed stream cancels <paramref name="cts"/> once <paramref name="after"/> bytes were read from it.</summary>
    private sealed class CancellingLayer(ILayer inner, CancellationTokenSource cts, long after) : ILayer
    {
        public Descriptor Descriptor => inner.Descriptor;
        public Digest DiffId => inner.DiffId;

        public async ValueTask<Stream> OpenCompressedAsync(CancellationToken ct) => new Tripwire(await inner.OpenCompressedAsync(ct), cts, after);

        public ValueTask<Stream> OpenUncompressedAsync(CancellationToken ct) => inner.OpenUncompressedAsync(ct);
    }

    private sealed class Tripwire(Stream inner, CancellationTokenSource cts, long after) : Stream
    {
        private long _read;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken);
            _read += n;
            if (_read >= after)
                await cts.CancelAsync();
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.Dispose();
            base.Dispose(disposing);
        }
    }

    [Fact]
    public async Task A_pull_into_the_store_cancelled_midway_leaves_no_partial_blobs_or_temp_files()
    {
        await using var registry = await RegistryServer.StartAsync(ct: Ct);
        using var box = new CliSandbox();
        // something in the store already, which must survive untouched
        var kept = await RegistryImages.CreateLayoutAsync(box["kept"], "v1", seed: 91, ct: Ct);
        await box.Store.WriteAsync(kept, ImageName.Parse("kept:v1"), Ct);
        var blobsBefore = box.StoreBlobs();

        var image = await Loopback.SizedImageAsync(box["staging"], seed: 92, [3_000_000, 3_000_000, 3_000_000], Ct);
        var context = Loopback.Context();
        await RegistryTransport.WriteAsync(context, image, ImageName.Parse($"{registry.Host}/big:v1"), Ct);

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var remote = await RegistryTransport.ReadAsync(context, ImageName.Parse($"{registry.Host}/big:v1"), Platform.LinuxAmd64, cts.Token);
        var layers = remote.Layers;
        var tripped = Image.FromBytes(remote.ManifestBytes.ToArray(), remote.ConfigBytes.ToArray(),
            (i, _, _) => new CancellingLayer(layers[i], cts, after: 1_000_000), "cancelled pull");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => box.Store.WriteAsync(tripped, ImageName.Parse($"{registry.Host}/big:v1"), cts.Token));

        Assert.Equal(blobsBefore, box.StoreBlobs());
        box.AssertNoLeftovers();
        LayoutValidator.AssertValid(box.Store.Layout, allowDockerMediaTypes: true);
        Assert.Single(box.Store.List());
    }
}
