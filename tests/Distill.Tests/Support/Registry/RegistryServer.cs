using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Distill.Tests.Support;

/// <summary>
/// A real registry (CNCF distribution 2.8, <c>docker-registry serve CONFIG.yml</c>) on 127.0.0.1 and a free port, with its
/// storage in a temp directory, deletes enabled, and no auth, htpasswd or token auth, over HTTP or HTTPS. Started when
/// <c>GET /v2/</c> answers; killed (and its storage deleted) when disposed. <see cref="Log"/> holds what it printed.
/// </summary>
public sealed class RegistryServer : IAsyncDisposable
{
    private const int Attempts = 5;
    private readonly TempDir _dir;
    private readonly StringBuilder _log = new();
    private readonly TokenServer? _ownedTokenServer;
    private Process? _process;

    private RegistryServer(RegistryServerOptions options, TempDir dir, TokenServer? tokenServer, TokenServer? owned, RegistryTls? tls)
    {
        Options = options;
        _dir = dir;
        TokenServer = tokenServer;
        _ownedTokenServer = owned;
        Tls = tls;
    }

    public RegistryServerOptions Options { get; }

    public RegistryAuth Auth => Options.Auth;

    /// <summary><c>127.0.0.1:PORT</c>, as in <c>docker://127.0.0.1:PORT/repo:tag</c>.</summary>
    public string Host { get; private set; } = "";

    /// <summary><c>http://127.0.0.1:PORT/</c> or <c>https://…/</c>.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>The user allowed in (htpasswd, or the token server's user); anyone when <see cref="Auth"/> is None.</summary>
    public string Username => Options.Username;

    public string Password => Options.Password;

    /// <summary><c>user:password</c>, as skopeo's <c>--creds</c> takes it.</summary>
    public string Credentials => $"{Username}:{Password}";

    /// <summary>The token server the registry trusts, in <see cref="RegistryAuth.Token"/> mode.</summary>
    public TokenServer? TokenServer { get; }

    /// <summary>The CA and certificate served, in TLS mode.</summary>
    public RegistryTls? Tls { get; }

    /// <summary>The registry's storage root (<c>storage.filesystem.rootdirectory</c>).</summary>
    public string StorageDirectory => _dir["storage"];

    /// <summary>Everything the registry printed so far (stderr and stdout): put it in assertion messages.</summary>
    public string Log
    {
        get
        {
            lock (_log)
                return _log.ToString();
        }
    }

    public static async Task<RegistryServer> StartAsync(RegistryServerOptions? options = null, CancellationToken ct = default)
    {
        options ??= new RegistryServerOptions();
        var docker = Tool.Require("docker-registry", "docker-registry");
        var dir = new TempDir();
        TokenServer? owned = null;
        try
        {
            var tokenServer = options.TokenServer;
            if (options.Auth == RegistryAuth.Token && tokenServer is null)
            {
                owned = await TokenServer.StartAsync(new TokenServerOptions
                {
                    Users = new Dictionary<string, string> { [options.Username] = options.Password },
                }, ct);
                tokenServer = owned;
            }
            var server = new RegistryServer(options, dir, options.Auth == RegistryAuth.Token ? tokenServer : null, owned, options.Tls ? RegistryTls.Create() : null);
            await server.PrepareAuthAsync();
            for (var attempt = 1; ; attempt++)
            {
                if (await server.TryStartAsync(docker, FreePort(), ct))
                    return server;
                if (attempt == Attempts)
                {
                    var log = server.Log;
                    await server.DisposeAsync();
                    Assert.Fail($"docker-registry did not start after {Attempts} attempts:\n{log}");
                }
            }
        }
        catch
        {
            if (owned is not null)
                await owned.DisposeAsync();
            dir.Dispose();
            throw;
        }
    }

    /// <summary>Writes <c>ca.crt</c> (the test CA) into <paramref name="directory"/>, for skopeo's <c>--cert-dir</c>; TLS mode only.</summary>
    public string WriteCertDirectory(string directory) =>
        (Tls ?? throw new InvalidOperationException("the registry does not serve TLS")).WriteCertDirectory(directory);

    /// <summary>
    /// Writes a containers/docker style <c>certs.d</c> tree: <paramref name="root"/>/<see cref="Host"/>/ca.crt. Returns <paramref name="root"/>.
    /// </summary>
    public string WriteCertsD(string root)
    {
        WriteCertDirectory(Path.Combine(root, Host));
        return root;
    }

    /// <summary>An HttpClient that trusts this registry's CA (or any certificate for plain HTTP), no redirects followed.</summary>
    public HttpClient CreateHttpClient()
    {
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false, UseCookies = false };
        if (Tls is { } tls)
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => tls.Trusts(certificate);
        return new HttpClient(handler) { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(60) };
    }

    public async ValueTask DisposeAsync()
    {
        await StopProcessAsync();
        if (_ownedTokenServer is not null)
            await _ownedTokenServer.DisposeAsync();
        _dir.Dispose();
    }

    private async Task PrepareAuthAsync()
    {
        if (Options.Auth == RegistryAuth.Htpasswd)
        {
            var htpasswd = Tool.Require("htpasswd", "apache2-utils");
            var result = await Tool.RunOkAsync(htpasswd, ["-Bbn", Options.Username, Options.Password]);
            File.WriteAllText(_dir["htpasswd"], result.Stdout.Trim() + "\n");
        }
        if (TokenServer is not null)
            File.WriteAllText(_dir["token-ca.pem"], TokenServer.CertificatePem);
        if (Tls is not null)
        {
            File.WriteAllText(_dir["tls.crt"], Tls.CertificatePem);
            File.WriteAllText(_dir["tls.key"], Tls.KeyPem);
        }
    }

    private string Config(int port, string id)
    {
        var sb = new StringBuilder();
        sb.Append($"""
            version: 0.1
            log:
              level: warn
              formatter: text
            storage:
              filesystem:
                rootdirectory: {StorageDirectory}
              delete:
                enabled: true
              maintenance:
                uploadpurging:
                  enabled: false
            http:
              addr: 127.0.0.1:{port}
              secret: {Convert.ToHexString(RandomNumberGenerator.GetBytes(16))}
              headers:
                X-Distill-Registry: [{id}]

            """);
        if (Tls is not null)
        {
            sb.Append($"""
                  tls:
                    certificate: {_dir["tls.crt"]}
                    key: {_dir["tls.key"]}

                """);
        }
        switch (Options.Auth)
        {
            case RegistryAuth.Htpasswd:
                sb.Append($"""
                    auth:
                      htpasswd:
                        realm: distill-test-registry
                        path: {_dir["htpasswd"]}

                    """);
                break;
            case RegistryAuth.Token:
                sb.Append($"""
                    auth:
                      token:
                        realm: {TokenServer!.Realm}
                        service: {TokenServer.Service}
                        issuer: {TokenServer.Issuer}
                        rootcertbundle: {_dir["token-ca.pem"]}

                    """);
                break;
        }
        return sb.ToString();
    }

    private async Task<bool> TryStartAsync(string docker, int port, CancellationToken ct)
    {
        var id = Guid.NewGuid().ToString("N");
        var config = _dir["config.yml"];
        File.WriteAllText(config, Config(port, id));
        Host = $"127.0.0.1:{port}";
        Url = new Uri($"{(Tls is null ? "http" : "https")}://{Host}");
        int logStart;
        lock (_log)
        {
            _log.Append($"--- docker-registry on {Host}\n");
            logStart = _log.Length;
        }

        var info = new ProcessStartInfo(docker) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("serve");
        info.ArgumentList.Add(config);
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("REGISTRY_", StringComparison.Ordinal) || k.StartsWith("OTEL_", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(key);
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        using var client = CreateHttpClient();
        client.Timeout = TimeSpan.FromSeconds(2);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            ct.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                await process.WaitForExitAsync(ct);
                _process = null;
                process.Dispose();
                if (Log[logStart..].Contains("address already in use", StringComparison.Ordinal))
                    return false;
                Assert.Fail($"docker-registry exited with {process.ExitCode}:\n{Log}\nconfig:\n{File.ReadAllText(config)}");
            }
            try
            {
                using var response = await client.GetAsync(new Uri(Url, "/v2/"), ct);
                // another test's server may have taken the port in between: only ours sends our id
                if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized
                    && response.Headers.TryGetValues("X-Distill-Registry", out var ids) && ids.Contains(id))
                    return true;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
            }
            await Task.Delay(50, ct);
        }
        await StopProcessAsync();
        Assert.Fail($"docker-registry on {Host} did not answer GET /v2/ within 20 s:\n{Log}");
        return false;
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_log)
            _log.Append(line).Append('\n');
    }

    private async Task StopProcessAsync()
    {
        var process = _process;
        _process = null;
        if (process is null)
            return;
        try
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(cts.Token);
        }
        catch (InvalidOperationException)
        {
        }
        catch (OperationCanceledException)
        {
        }
        process.Dispose();
    }

    /// <summary>A port nothing listens on right now (the kernel's pick); a registry that loses a race for it is retried.</summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
