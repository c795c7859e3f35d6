namespace Distill.Oci;

/// <summary>
/// A read stream that checks a blob against its descriptor as it is read: at the end of the content it throws
/// <see cref="InvalidImageException"/> if the size or digest differ, so no consumer can take a corrupt blob for good.
/// </summary>
public sealed class VerifyingStream : ReadOnlyStream
{
    private readonly HashingStream _hashing;
    private readonly Descriptor _expected;
    private readonly string _what;
    private bool _checked;

    public VerifyingStream(Stream inner, Descriptor expected, string what)
    {
        _hashing = new HashingStream(inner, leaveOpen: false, expected.Digest.Algorithm);
        _expected = expected;
        _what = what;
    }

    /// <summary>What the content is checked against.</summary>
    public Descriptor Expected => _expected;

    /// <summary>True when this stream checks exactly the blob <paramref name="blob"/> describes (digest and size).</summary>
    public bool Verifies(Descriptor blob) => _expected.Digest == blob.Digest && _expected.Size == blob.Size;

    public override long Length => _expected.Size;

    public override int Read(Span<byte> buffer) => Check(_hashing.Read(buffer), buffer.Length);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Check(await _hashing.ReadAsync(buffer, cancellationToken), buffer.Length);

    private int Check(int n, int requested)
    {
        var seen = _hashing.Length64;
        if (seen > _expected.Size)
            throw new InvalidImageException($"{_what}: blob {_expected.Digest} is larger than its descriptor size {_expected.Size}");
        if (n == 0 && requested > 0 && seen < _expected.Size)
            throw new InvalidImageException($"{_what}: blob {_expected.Digest} has {seen} bytes, descriptor says {_expected.Size}");
        // checked as soon as the last byte is in, so readers that stop at the size still get the check
        if (seen == _expected.Size && !_checked)
        {
            _checked = true;
            var actual = _hashing.Digest;
            if (actual != _expected.Digest)
                throw new InvalidImageException($"{_what}: blob digest mismatch: expected {_expected.Digest}, content has {actual}");
        }
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _hashing.Dispose();
        base.Dispose(disposing);
    }
}
