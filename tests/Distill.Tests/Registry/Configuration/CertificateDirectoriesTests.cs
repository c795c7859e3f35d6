using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Distill.Registry.Configuration;
using Distill.Tests.Support;

namespace Distill.Tests.Registry.Configuration;

public sealed class CertificateDirectoriesTests : IDisposable
{
    private const string Host = "registry.test:5000";
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static X509Certificate2 CreateAuthority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static X509Certificate2 Issue(X509Certificate2 authority, string subject, bool server)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName(subject);
            request.CertificateExtensions.Add(names.Build());
        }
        var serial = RandomNumberGenerator.GetBytes(12);
        using var issued = request.Create(authority, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(7), serial);
        return issued.CopyWithPrivateKey(key);
    }

    private static string KeyPem(X509Certificate2 certificate) => certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem();

    private CertificateDirectories Roots(params string[] roots) => new([.. roots.Select(r => _dir[r])]);

    [Fact]
    public void Loads_authorities_and_client_pairs_from_the_host_directory()
    {
        using var ca1 = CreateAuthority("CA one");
        using var ca2 = CreateAuthority("CA two");
        using var client = Issue(ca1, "client", server: false);
        _dir.Write($"certs.d/{Host}/ca.crt", ca1.ExportCertificatePem() + "\n" + ca2.ExportCertificatePem());
        _dir.Write($"certs.d/{Host}/client.cert", client.ExportCertificatePem());
        _dir.Write($"certs.d/{Host}/client.key", KeyPem(client));
        _dir.Write($"certs.d/{Host}/README", "ignored");

        var certificates = Roots("certs.d").Load(Host);
        Assert.Equal(_dir[$"certs.d/{Host}"], certificates.Directory);
        Assert.Equal([ca1.Thumbprint, ca2.Thumbprint], certificates.CertificateAuthorities.Select(c => c.Thumbprint));
        var loaded = Assert.Single(certificates.ClientCertificates);
        Assert.Equal(client.Thumbprint, loaded.Thumbprint);
        Assert.True(loaded.HasPrivateKey);
    }

    [Fact]
    public void First_root_with_a_host_directory_wins()
    {
        using var user = CreateAuthority("user");
        using var system = CreateAuthority("system");
        _dir.Write($"user/{Host}/ca.crt", user.ExportCertificatePem());
        _dir.Write($"containers/{Host}/ca.crt", system.ExportCertificatePem());
        _dir.Write($"docker/other.test/ca.crt", system.ExportCertificatePem());
        var roots = Roots("missing", "user", "containers", "docker");

        Assert.Equal(user.Thumbprint, Assert.Single(roots.Load(Host).CertificateAuthorities).Thumbprint);
        Assert.Equal(system.Thumbprint, Assert.Single(roots.Load("other.test").CertificateAuthorities).Thumbprint);
        var none = roots.Load("registry.test");
        Assert.Same(RegistryCertificates.None, none);
        Assert.Empty(none.CertificateAuthorities);
    }

    [Fact]
    public void Default_roots_are_user_then_containers_then_docker()
    {
        var roots = CertificateDirectories.CreateDefault(name => name == "HOME" ? "/home/u" : null).Roots;
        Assert.Equal(["/home/u/.config/containers/certs.d", "/etc/containers/certs.d", "/etc/docker/certs.d"], roots);
        roots = CertificateDirectories.CreateDefault(name => name == "XDG_CONFIG_HOME" ? "/xdg" : null).Roots;
        Assert.Equal("/xdg/containers/certs.d", roots[0]);
    }

    [Fact]
    public void Client_certificate_without_key_and_bad_pem_are_errors()
    {
        using var ca = CreateAuthority("CA");
        using var client = Issue(ca, "client", server: false);
        _dir.Write("a/h1/client.cert", client.ExportCertificatePem());
        var e = Assert.Throws<RegistryConfigurationException>(() => Roots("a").Load("h1"));
        Assert.Equal($"{_dir["a/h1/client.cert"]}: client certificate without its key client.key", e.Message);

        _dir.Write("a/h2/orphan.key", KeyPem(client));
        e = Assert.Throws<RegistryConfigurationException>(() => Roots("a").Load("h2"));
        Assert.Equal($"{_dir["a/h2/orphan.key"]}: client key without its certificate orphan.cert", e.Message);

        _dir.Write("a/h3/ca.crt", "not a certificate\n");
        e = Assert.Throws<RegistryConfigurationException>(() => Roots("a").Load("h3"));
        Assert.StartsWith(_dir["a/h3/ca.crt"] + ": ", e.Message, StringComparison.Ordinal);

        Assert.Throws<ArgumentException>(() => Roots("a").Load("../etc"));
    }

    [Fact]
    public void Validation_callback_trusts_the_directory_authority_only()
    {
        using var ca = CreateAuthority("Registry CA");
        using var otherCa = CreateAuthority("Other CA");
        using var good = Issue(ca, "registry.test", server: true);
        using var bad = Issue(otherCa, "registry.test", server: true);
        _dir.Write($"certs.d/{Host}/ca.crt", ca.ExportCertificatePem());
        var callback = Roots("certs.d").Load(Host).CreateValidationCallback();

        // As SslStream reports a chain that does not reach a system root.
        Assert.True(callback(this, good, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(callback(this, bad, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(callback(this, good, null, SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.False(callback(this, null, null, SslPolicyErrors.RemoteCertificateNotAvailable));
        // System trust still counts, and no custom authority means system trust only.
        Assert.True(callback(this, bad, null, SslPolicyErrors.None));
        Assert.False(RegistryCertificates.None.CreateValidationCallback()(this, good, null, SslPolicyErrors.RemoteCertificateChainErrors));
        // An insecure registry accepts anything.
        Assert.True(RegistryCertificates.None.CreateValidationCallback(allowUntrusted: true)(this, bad, null, SslPolicyErrors.RemoteCertificateChainErrors));
    }

    [Fact]
    public async Task Tls_handshake_with_the_directory_authority_and_client_certificate()
    {
        var ct = TestContext.Current.CancellationToken;
        using var ca = CreateAuthority("Registry CA");
        using var otherCa = CreateAuthority("Other CA");
        using var server = Issue(ca, "registry.test", server: true);
        using var client = Issue(ca, "distill client", server: false);
        _dir.Write($"good/{Host}/ca.crt", ca.ExportCertificatePem());
        _dir.Write($"good/{Host}/client.cert", client.ExportCertificatePem());
        _dir.Write($"good/{Host}/client.key", KeyPem(client));
        _dir.Write($"bad/{Host}/ca.crt", otherCa.ExportCertificatePem());

        var presented = await HandshakeAsync(server, Roots("good").Load(Host), ct);
        Assert.Equal(client.Thumbprint, presented?.Thumbprint);

        await Assert.ThrowsAsync<AuthenticationException>(() => HandshakeAsync(server, Roots("bad").Load(Host), ct));
    }

    /// <summary>A TLS handshake over loopback; returns the client certificate the server saw.</summary>
    private static async Task<X509Certificate2?> HandshakeAsync(X509Certificate2 serverCertificate, RegistryCertificates certificates, CancellationToken ct)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        X509Certificate2? seen = null;

        var serverTask = Task.Run(async () =>
        {
            using var socket = await listener.AcceptTcpClientAsync(ct);
            await using var tls = new SslStream(socket.GetStream());
            try
            {
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = serverCertificate,
                    ClientCertificateRequired = true,
                    RemoteCertificateValidationCallback = (_, c, _, _) =>
                    {
                        // Record what the client presented; checked by the test.
                        seen = c is null ? null : new X509Certificate2(c);
                        return c is not null;
                    },
                }, ct);
                await tls.WriteAsync(new byte[] { 42 }, ct);
            }
            catch (Exception e) when (e is AuthenticationException or IOException)
            {
                // The client refused us.
            }
        }, ct);

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port, ct);
        await using var stream = new SslStream(tcp.GetStream());
        var options = new SslClientAuthenticationOptions { TargetHost = "registry.test" };
        certificates.ApplyTo(options);
        try
        {
            await stream.AuthenticateAsClientAsync(options, ct);
            var buffer = new byte[1];
            Assert.Equal(1, await stream.ReadAsync(buffer, ct));
            Assert.Equal(42, buffer[0]);
        }
        finally
        {
            tcp.Close();
            await serverTask;
        }
        return seen;
    }
}
