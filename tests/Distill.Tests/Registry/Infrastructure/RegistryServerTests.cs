using System.Net;
using System.Net.Sockets;
using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Registry.Infrastructure;

/// <summary>The test registry really serves images to skopeo, in every auth mode and over TLS, and goes away when disposed.</summary>
public sealed class RegistryServerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Without_auth_skopeo_pushes_and_pulls_back_the_same_image()
    {
        using var dir = new TempDir();
        var image = await RegistryImages.CreateLayoutAsync(dir["src"], "v1", seed: 1, ct: Ct);
        string storage;
        string host;
        await using (var registry = await RegistryServer.StartAsync(ct: Ct))
        {
            Assert.StartsWith("127.0.0.1:", registry.Host, StringComparison.Ordinal);
            Assert.Equal($"http://{registry.Host}/", registry.Url.ToString());
            await RegistryImages.PushAsync(registry, dir["src"], "v1", "demo/app");

            var raw = await RegistryImages.InspectRawAsync(registry, "demo/app", "v1");
            Assert.Equal(image.ManifestDescriptor.Digest, Digest.Compute(raw));
            await RegistryImages.PullAsync(registry, "demo/app", "v1", dir["back"]);
            Assert.Equal(image.ManifestDescriptor.Digest, await LayoutManifestDigestAsync(dir["back"]));

            using var http = registry.CreateHttpClient();
            using var catalog = await http.GetAsync(new Uri("/v2/_catalog", UriKind.Relative), Ct);
            Assert.Equal(HttpStatusCode.OK, catalog.StatusCode);
            Assert.Contains("demo/app", await catalog.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
            // deletes are enabled
            using var delete = await http.DeleteAsync(new Uri($"/v2/demo/app/manifests/{image.ManifestDescriptor.Digest}", UriKind.Relative), Ct);
            Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
            storage = registry.StorageDirectory;
            host = registry.Host;
            Assert.True(Directory.Exists(storage));
        }
        Assert.False(Directory.Exists(storage), "the registry's storage is deleted on dispose");
        await AssertNothingListensAsync(host);
    }

    [Fact]
    public async Task With_htpasswd_the_right_credentials_push_and_pull_and_wrong_ones_fail()
    {
        using var dir = new TempDir();
        var image = await RegistryImages.CreateLayoutAsync(dir["src"], "v1", seed: 2, ct: Ct);
        await using var registry = await RegistryServer.StartAsync(new RegistryServerOptions { Auth = RegistryAuth.Htpasswd, Username = "bob", Password = "b0b-pass" }, Ct);

        var wrong = await RegistryImages.TryPushAsync(registry, dir["src"], "v1", "private/app", "bob:not-the-password");
        Assert.True(wrong.ExitCode != 0, $"push with a wrong password succeeded:\n{wrong.All}");
        Assert.Contains("unauthorized", wrong.All, StringComparison.OrdinalIgnoreCase);
        var anonymous = await RegistryImages.TryPushAsync(registry, dir["src"], "v1", "private/app", credentials: null);
        Assert.True(anonymous.ExitCode != 0, $"push without credentials succeeded:\n{anonymous.All}");

        await RegistryImages.PushAsync(registry, dir["src"], "v1", "private/app");
        var wrongPull = await RegistryImages.TryPullAsync(registry, "private/app", "v1", dir["nope"], "bob:wrong");
        Assert.True(wrongPull.ExitCode != 0, $"pull with a wrong password succeeded:\n{wrongPull.All}");
        await RegistryImages.PullAsync(registry, "private/app", "v1", dir["back"]);
        Assert.Equal(image.ManifestDescriptor.Digest, await LayoutManifestDigestAsync(dir["back"]));

        using var http = registry.CreateHttpClient();
        using var challenge = await http.GetAsync(new Uri("/v2/", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, challenge.StatusCode);
        Assert.Equal("Basic", challenge.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task With_token_auth_skopeo_gets_tokens_the_registry_accepts_and_wrong_credentials_fail()
    {
        using var dir = new TempDir();
        var image = await RegistryImages.CreateLayoutAsync(dir["src"], "v1", seed: 3, ct: Ct);
        await using var registry = await RegistryServer.StartAsync(new RegistryServerOptions { Auth = RegistryAuth.Token }, Ct);
        var tokens = registry.TokenServer!;

        var wrong = await RegistryImages.TryPushAsync(registry, dir["src"], "v1", "team/app", "alice:wrong");
        Assert.True(wrong.ExitCode != 0, $"push with a wrong password succeeded:\n{wrong.All}");
        Assert.Contains(tokens.Requests, r => r.User == "alice" && r.Status == 401);
        // anonymous users may pull but not push (the default permissions)
        var anonymous = await RegistryImages.TryPushAsync(registry, dir["src"], "v1", "team/app", credentials: null);
        Assert.True(anonymous.ExitCode != 0, $"anonymous push succeeded:\n{anonymous.All}");

        await RegistryImages.PushAsync(registry, dir["src"], "v1", "team/app");
        Assert.Contains(tokens.Requests, r => r.User == "alice" && r.Status == 200
            && r.Granted.Any(g => g is { Type: "repository", Name: "team/app" } && g.Actions.Contains("push")));
        Assert.True(tokens.CountFor("repository:team/app:pull,push") >= 1, string.Join("\n", tokens.Requests));

        var anonymousPull = await RegistryImages.TryPullAsync(registry, "team/app", "v1", dir["anon"], credentials: null);
        Assert.True(anonymousPull.ExitCode == 0, $"anonymous pull failed:\n{anonymousPull.All}\n{registry.Log}");
        LayoutValidator.AssertValid(dir["anon"]);
        await RegistryImages.PullAsync(registry, "team/app", "v1", dir["back"]);
        Assert.Equal(image.ManifestDescriptor.Digest, await LayoutManifestDigestAsync(dir["back"]));
        Assert.Contains(tokens.Requests, r => r.User is null && r.Status == 200 && r.Granted.Single().Actions.SequenceEqual(["pull"]));
    }

    [Fact]
    public async Task With_tls_skopeo_trusts_the_registry_through_a_cert_dir_with_the_test_ca()
    {
        using var dir = new TempDir();
        var image = await RegistryImages.CreateLayoutAsync(dir["src"], "v1", seed: 4, ct: Ct);
        await using var registry = await RegistryServer.StartAsync(new RegistryServerOptions { Tls = true, Auth = RegistryAuth.Htpasswd }, Ct);
        Assert.Equal($"https://{registry.Host}/", registry.Url.ToString());
        var skopeo = Tool.Require("skopeo", "skopeo");
        var certs = registry.WriteCertDirectory(dir["certs"]);
        var env = new Dictionary<string, string> { ["REGISTRY_AUTH_FILE"] = dir["auth.json"] };
        var target = $"docker://{registry.Host}/secure/app:v1";

        var untrusted = await Tool.RunAsync(skopeo, ["copy", "--dest-creds", registry.Credentials, $"oci:{dir["src"]}:v1", target], env: env);
        Assert.True(untrusted.ExitCode != 0, "skopeo trusted the test CA without being told to");
        Assert.Contains("certificate", untrusted.All, StringComparison.OrdinalIgnoreCase);

        await Tool.RunOkAsync(skopeo, ["copy", "--dest-cert-dir", certs, "--dest-creds", registry.Credentials, $"oci:{dir["src"]}:v1", target], env: env);
        await Tool.RunOkAsync(skopeo, ["copy", "--src-cert-dir", certs, "--src-creds", registry.Credentials, target, $"oci:{dir["back"]}:v1"], env: env);
        LayoutValidator.AssertValid(dir["back"]);
        Assert.Equal(image.ManifestDescriptor.Digest, await LayoutManifestDigestAsync(dir["back"]));

        // certs.d layout (HOST:PORT/ca.crt) and curl with the CA
        var certsD = registry.WriteCertsD(dir["certs.d"]);
        Assert.True(File.Exists(Path.Combine(certsD, registry.Host, "ca.crt")));
        var curl = await Tool.RunOkAsync(Tool.Require("curl", "curl"),
            ["-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", Path.Combine(certs, "ca.crt"), "-u", registry.Credentials, $"{registry.Url}v2/"]);
        Assert.Equal("200", curl.Stdout);

        // a fault proxy in front of a TLS registry trusts the test CA and serves plain HTTP
        await using var proxy = await FaultProxy.StartAsync(registry, new FaultProxyOptions(), Ct);
        var manifest = await Tool.RunOkAsync(Tool.Require("curl", "curl"), ["-sSf", "-u", registry.Credentials,
            "-H", "Accept: application/vnd.oci.image.manifest.v1+json", $"{proxy.Url}v2/secure/app/manifests/v1"]);
        Assert.Equal(image.ManifestDescriptor.Digest, Digest.Compute(System.Text.Encoding.UTF8.GetBytes(manifest.Stdout)));
    }

    [Fact]
    public async Task Registries_started_together_get_their_own_ports_and_storage()
    {
        var registries = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => RegistryServer.StartAsync(ct: Ct)));
        try
        {
            Assert.Equal(3, registries.Select(r => r.Host).Distinct().Count());
            Assert.Equal(3, registries.Select(r => r.StorageDirectory).Distinct().Count());
        }
        finally
        {
            foreach (var registry in registries)
                await registry.DisposeAsync();
        }
    }

    internal static async Task<Digest> LayoutManifestDigestAsync(string layout)
    {
        var index = OciJson.ParseIndex(await File.ReadAllBytesAsync(Path.Combine(layout, "index.json"), Ct), "index.json");
        return index.Manifests.Single().Digest;
    }

    private static async Task AssertNothingListensAsync(string host)
    {
        var port = int.Parse(host.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
        using var client = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(async () => await client.ConnectAsync(IPAddress.Loopback, port, Ct));
    }
}
