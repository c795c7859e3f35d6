using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Distill.Tests.Support;

/// <summary>
/// A throw-away certificate authority and a server certificate it signed for 127.0.0.1 and localhost, made with
/// <see cref="CertificateRequest"/>: what a TLS registry serves and what a client must trust (<see cref="CaPem"/>).
/// </summary>
public sealed class RegistryTls
{
    private RegistryTls(string caPem, string certificatePem, string keyPem, X509Certificate2 ca)
    {
        CaPem = caPem;
        CertificatePem = certificatePem;
        KeyPem = keyPem;
        CaCertificate = ca;
    }

    /// <summary>The CA certificate (PEM) clients put in their trust store or certs.d directory.</summary>
    public string CaPem { get; }

    /// <summary>The server certificate (PEM), then the CA, as a chain.</summary>
    public string CertificatePem { get; }

    /// <summary>The server's private key (PKCS#8 PEM).</summary>
    public string KeyPem { get; }

    public X509Certificate2 CaCertificate { get; }

    public static RegistryTls Create()
    {
        var notBefore = DateTimeOffset.UtcNow.AddHours(-1);
        var notAfter = DateTimeOffset.UtcNow.AddDays(2);

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Distill test CA " + Guid.NewGuid().ToString("N")[..8], caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var ca = caRequest.CreateSelfSigned(notBefore, notAfter);

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        using var server = serverRequest.Create(ca, notBefore, notAfter, serial);

        var caPem = ca.ExportCertificatePem() + "\n";
        return new RegistryTls(caPem, server.ExportCertificatePem() + "\n" + caPem, serverKey.ExportPkcs8PrivateKeyPem() + "\n", ca);
    }

    /// <summary>Whether <paramref name="certificate"/> chains up to this CA (for an HttpClient's certificate callback).</summary>
    public bool Trusts(X509Certificate? certificate)
    {
        if (certificate is null)
            return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(CaCertificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }

    /// <summary>
    /// Writes <c>ca.crt</c> into <paramref name="directory"/>: what <c>skopeo --cert-dir</c>, <c>--src-cert-dir</c> and
    /// <c>--dest-cert-dir</c> take. Returns the directory.
    /// </summary>
    public string WriteCertDirectory(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "ca.crt"), CaPem);
        return directory;
    }
}
