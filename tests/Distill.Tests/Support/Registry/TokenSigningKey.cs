using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Distill.Tests.Support;

/// <summary>The JWS algorithm a <see cref="TokenServer"/> signs with.</summary>
public enum TokenAlgorithm
{
    ES256,
    RS256,
}

/// <summary>How a token names its signing key in the JWS header, for the registry to find it.</summary>
public enum TokenKeyHeader
{
    /// <summary><c>kid</c>: the libtrust key ID of the certificate's public key in the registry's rootcertbundle.</summary>
    KeyId,

    /// <summary><c>x5c</c>: the signing certificate itself (base64 DER), which the registry verifies against its rootcertbundle.</summary>
    X5c,
}

/// <summary>
/// The key a <see cref="TokenServer"/> signs tokens with, in a self-signed certificate: that certificate is the registry's
/// <c>auth.token.rootcertbundle</c>.
/// </summary>
internal sealed class TokenSigningKey : IDisposable
{
    private readonly AsymmetricAlgorithm _key;

    private TokenSigningKey(TokenAlgorithm algorithm, AsymmetricAlgorithm key, X509Certificate2 certificate)
    {
        Algorithm = algorithm;
        _key = key;
        Certificate = certificate;
        CertificatePem = certificate.ExportCertificatePem() + "\n";
        KeyId = LibtrustKeyId(certificate.PublicKey.ExportSubjectPublicKeyInfo());
    }

    public TokenAlgorithm Algorithm { get; }

    public X509Certificate2 Certificate { get; }

    public string CertificatePem { get; }

    /// <summary>The libtrust key ID of the public key, as distribution looks keys up by the <c>kid</c> header.</summary>
    public string KeyId { get; }

    public static TokenSigningKey Create(TokenAlgorithm algorithm)
    {
        AsymmetricAlgorithm key;
        CertificateRequest request;
        const string subject = "CN=Distill test token signer";
        if (algorithm == TokenAlgorithm.ES256)
        {
            var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            key = ec;
            request = new CertificateRequest(subject, ec, HashAlgorithmName.SHA256);
        }
        else
        {
            var rsa = RSA.Create(2048);
            key = rsa;
            request = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, true));
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(2));
        return new TokenSigningKey(algorithm, key, certificate);
    }

    /// <summary>
    /// libtrust's key ID: SHA-256 of the DER SubjectPublicKeyInfo, the first 240 bits base32-encoded (48 characters),
    /// in 12 groups of 4 joined by ':'.
    /// </summary>
    public static string LibtrustKeyId(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        var hash = SHA256.HashData(subjectPublicKeyInfo)[..30];
        var base32 = Base32(hash);
        return string.Join(':', Enumerable.Range(0, 12).Select(i => base32.Substring(i * 4, 4)));
    }

    public byte[] Sign(byte[] data) => _key switch
    {
        ECDsa ec => ec.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
        RSA rsa => rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        _ => throw new InvalidOperationException(),
    };

    public void Dispose()
    {
        _key.Dispose();
        Certificate.Dispose();
    }

    private static string Base32(byte[] data)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var sb = new StringBuilder();
        int buffer = 0, bits = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                sb.Append(alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0)
            sb.Append(alphabet[(buffer << (5 - bits)) & 31]);
        return sb.ToString();
    }
}
