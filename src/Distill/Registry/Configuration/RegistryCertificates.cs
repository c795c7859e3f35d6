using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Distill.Registry.Configuration;

/// <summary>
/// The TLS material for one registry host: extra CA certificates trusted in addition to the system's, and client
/// certificates (with private keys) to present. Plug it into <c>SocketsHttpHandler.SslOptions</c> with
/// <see cref="ApplyTo"/>.
/// </summary>
public sealed class RegistryCertificates
{
    public RegistryCertificates(string? directory, X509Certificate2Collection certificateAuthorities, X509Certificate2Collection clientCertificates)
    {
        Directory = directory;
        CertificateAuthorities = certificateAuthorities;
        ClientCertificates = clientCertificates;
    }

    /// <summary>No directory for the host: system trust only, no client certificate.</summary>
    public static RegistryCertificates None { get; } = new(null, [], []);

    /// <summary>The certs.d directory read, or null.</summary>
    public string? Directory { get; }

    /// <summary>From <c>*.crt</c>: trusted as roots for this host, besides the system store.</summary>
    public X509Certificate2Collection CertificateAuthorities { get; }

    /// <summary>From <c>*.cert</c> + <c>*.key</c>, each with its private key.</summary>
    public X509Certificate2Collection ClientCertificates { get; }

    /// <summary>
    /// Accepts a server certificate the system trusts, or whose chain ends at one of <see cref="CertificateAuthorities"/>;
    /// a name mismatch or a missing certificate is always refused. <paramref name="allowUntrusted"/> (an insecure registry)
    /// accepts anything.
    /// </summary>
    public RemoteCertificateValidationCallback CreateValidationCallback(bool allowUntrusted = false) =>
        (_, certificate, chain, errors) => allowUntrusted || Validate(certificate, chain, errors);

    /// <summary>Sets the validation callback and the client certificates on <paramref name="options"/>.</summary>
    public void ApplyTo(SslClientAuthenticationOptions options, bool allowUntrusted = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.RemoteCertificateValidationCallback = CreateValidationCallback(allowUntrusted);
        if (ClientCertificates.Count > 0)
            options.ClientCertificates = ClientCertificates;
    }

    internal bool Validate(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
            return true;
        if (certificate is null || errors != SslPolicyErrors.RemoteCertificateChainErrors || CertificateAuthorities.Count == 0)
            return false;

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(CertificateAuthorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            // Intermediates the server sent.
            chain.ChainPolicy.ExtraStore.AddRange(presented.ChainPolicy.ExtraStore);
            foreach (var element in presented.ChainElements)
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
