using Distill.Oci;

namespace Distill.Registry;

/// <summary>
/// A blob download that survives dropped connections: when reading fails, it asks again from the byte it has reached
/// (<c>Range: bytes=N-</c>) and carries on, a bounded number of times.
/// </summary>
internal sealed class ResumableBlobStream(RegistryClient client, RegistryLocation at, Descriptor descriptor) : ReadOnlyStream
{
    private HttpResponseMessage? _response;
    private Stream? _body;
    private long _position;
    private int _resumes;

    public async Task ConnectAsync(long offset, CancellationToken ct)
    {
        _body?.Dispose();
        _response?.Dispose();
        _response = await client.OpenBlobRangeAsync(at, descriptor, offset, ct);
        _body = await _response.Content.ReadAsStreamAsync(ct);
        if (offset > 0 && _response.StatusCode != System.Net.HttpStatusCode.PartialContent)
        {
            // the registry ignored the range: skip what we already have
            var skip = offset;
            var buffer = new byte[81920];
            while (skip > 0)
            {
                var n = await _body.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, skip)), ct);
                if (n == 0)
                    throw new IOException($"{at}: blob {descriptor.Digest} ended early while resuming");
                skip -= n;
            }
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            try
            {
                var n = await _body!.ReadAsync(buffer, cancellationToken);
                if (n == 0 && _position < descriptor.Size)
                    throw new IOException($"{at}: connection closed at byte {_position} of blob {descriptor.Digest}");
                _position += n;
                return n;
            }
            catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested && _resumes < client.Policy.MaxResumes)
            {
                _resumes++;
                await Task.Delay(TimeSpan.FromMilliseconds(100 * _resumes), cancellationToken);
                await ConnectAsync(_position, cancellationToken);
            }
        }
    }

    public override long Length => descriptor.Size;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _body?.Dispose();
            _response?.Dispose();
        }
        base.Dispose(disposing);
    }
}
