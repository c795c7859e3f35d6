using System.Net;
using System.Security.Cryptography;
using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Registry.Infrastructure;

/// <summary>The fault proxy injects exactly the faults it is told to, and otherwise is invisible to a real client.</summary>
public sealed class FaultProxyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(FaultKind.DropConnection)]
    [InlineData(FaultKind.TooManyRequests)]
    [InlineData(FaultKind.ServiceUnavailable)]
    [InlineData(FaultKind.CorruptByte)]
    public async Task At_probability_one_curl_sees_the_fault_on_a_blob(FaultKind kind)
    {
        using var dir = new TempDir();
        var image = await RegistryImages.CreateLayoutAsync(dir["src"], "v1", seed: 10, ct: Ct);
        await using var registry = await RegistryServer.StartAsync(ct: Ct);
        await RegistryImages.PushAsync(registry, dir["src"], "v1", "faulty/app");
        await using var proxy = await FaultProxy.StartAsync(registry, new FaultProxyOptions
        {
            Seed = 1, Probability = 1.0, Kinds = [kind], Applies = FaultProxyOptions.BlobGets, RetryAfterSeconds = 1,
        }, Ct);
        var layer = image.Layers.MaxBy(l => l.Descriptor.Size)!.Descriptor;
        var blobPath = Path.Combine(dir["src"], "blobs", "sha256", layer.Digest.Encoded);
        var curl = Tool.Require("curl", "curl");

        // requests the filter leaves alone pass
        var v2 = await Tool.RunAsync(curl, ["-sS", "-o", "/dev/null", "-w", "%{http_code}", $"{proxy.Url}v2/"]);
        Assert.Equal("200", v2.Stdout);

        var result = await Tool.RunAsync(curl, ["-sS", "-D", dir["headers"], "-o", dir["blob"], "-w", "%{http_code}", $"{proxy.Url}v2/faulty/app/blobs/{layer.Digest}"]);
        var headers = File.ReadAllText(dir["headers"]);
        var received = File.Exists(dir["blob"]) ? File.ReadAllBytes(dir["blob"]) : [];
        var expected = File.ReadAllBytes(blobPath);
        var what = $"curl exit {result.ExitCode}, status {result.Stdout}, {received.Length} of {expected.Length} bytes\n{result.Stderr}\n{headers}";
        switch (kind)
        {
            case FaultKind.DropConnection:
                Assert.True(result.ExitCode == 18, what); // CURLE_PARTIAL_FILE: transfer closed with bytes remaining
                Assert.Equal("200", result.Stdout);
                Assert.Equal(expected.Length / 2, received.Length);
                Assert.Equal(expected[..received.Length], received);
                break;
            case FaultKind.TooManyRequests:
                Assert.Equal("429", result.Stdout);
                Assert.Contains("Retry-After: 1", headers, StringComparison.OrdinalIgnoreCase);
                break;
            case FaultKind.ServiceUnavailable:
                Assert.Equal("503", result.Stdout);
                break;
            case FaultKind.CorruptByte:
                Assert.True(result.ExitCode == 0, what);
                Assert.Equal("200", result.Stdout);
                Assert.Equal(expected.Length, received.Length);
                Assert.NotEqual(layer.Digest, Digest.Compute(received));
                Assert.Equal(1, expected.Zip(received).Count(p => p.First != p.Second));
                break;
        }
        Assert.Equal(1, proxy.Injected(kind));
        Assert.Equal(1, proxy.TotalInjected);
        var fault = Assert.Single(proxy.Faults);
        Assert.Equal(kind, fault.Kind);
        Assert.Equal($"/v2/faulty/app/blobs/{layer.Digest}", fault.PathAndQuery);
        Assert.Equal(2, proxy.Requests);
    }

    [Fact]
    public async Task At_probability_zero_skopeo_pushes_and_pulls_through_the_proxy_with_token_auth()
    {
        using var dir = new TempDir();
        var image = await RegistryImages.CreateLayoutAsync(dir["src"], "v1", seed: 11, layers: 3, ct: Ct);
        await using var registry = await RegistryServer.StartAsync(new RegistryServerOptions { Auth = RegistryAuth.Token }, Ct);
        await using var proxy = await FaultProxy.StartAsync(registry, new FaultProxyOptions { Seed = 5, Probability = 0 }, Ct);

        await RegistryImages.PushAsync(registry, dir["src"], "v1", "proxied/app", host: proxy.Host);
        Assert.Equal(image.ManifestDescriptor.Digest, Digest.Compute(await RegistryImages.InspectRawAsync(registry, "proxied/app", "v1")));
        Assert.Equal(image.ManifestDescriptor.Digest, Digest.Compute(await RegistryImages.InspectRawAsync(registry, "proxied/app", "v1", host: proxy.Host)));
        await RegistryImages.PullAsync(registry, "proxied/app", "v1", dir["back"], host: proxy.Host);
        Assert.Equal(image.ManifestDescriptor.Digest, await RegistryServerTests.LayoutManifestDigestAsync(dir["back"]));
        foreach (var layer in image.Layers)
            Assert.True(File.Exists(Path.Combine(dir["back"], "blobs", "sha256", layer.Descriptor.Digest.Encoded)));

        Assert.True(proxy.Requests >= 10, $"{proxy.Requests} requests");
        Assert.Equal(0, proxy.TotalInjected);
        Assert.Contains(registry.TokenServer!.Requests, r => r.User == "alice" && r.Scopes.Contains("repository:proxied/app:pull,push"));
    }

    [Fact]
    public async Task Large_chunked_uploads_downloads_and_ranges_stream_through_the_proxy()
    {
        using var dir = new TempDir();
        const int size = 112 * 1024 * 1024;
        var digest = WriteRandomFile(dir["big"], size, seed: 3);
        await using var registry = await RegistryServer.StartAsync(ct: Ct);
        await using var proxy = await FaultProxy.StartAsync(registry, new FaultProxyOptions { Probability = 0 }, Ct);
        var curl = Tool.Require("curl", "curl");

        var start = await Tool.RunOkAsync(curl, ["-sSf", "-X", "POST", "-D", "-", "-o", "/dev/null", $"{proxy.Url}v2/big/blob/blobs/uploads/"]);
        var location = Header(start.Stdout, "Location");
        Assert.StartsWith($"{proxy.Url}v2/big/blob/blobs/uploads/", location, StringComparison.Ordinal);

        var patch = await Tool.RunOkAsync(curl, ["-sSf", "-X", "PATCH", "-T", dir["big"], "-H", "Transfer-Encoding: chunked", "-H", "Content-Type: application/octet-stream",
            "-D", "-", "-o", "/dev/null", location]);
        Assert.Equal($"0-{size - 1}", Header(patch.Stdout, "Range"));
        location = Header(patch.Stdout, "Location");
        Assert.StartsWith(proxy.Url.ToString(), location, StringComparison.Ordinal);
        var put = await Tool.RunOkAsync(curl, ["-sSf", "-X", "PUT", "-D", "-", "-o", "/dev/null", $"{location}&digest={digest}"]);
        Assert.Equal(digest.ToString(), Header(put.Stdout, "Docker-Content-Digest"));

        await Tool.RunOkAsync(curl, ["-sSf", "-o", dir["down"], $"{proxy.Url}v2/big/blob/blobs/{digest}"]);
        await using (var down = File.OpenRead(dir["down"]))
            Assert.Equal(digest.Encoded, Convert.ToHexStringLower(await SHA256.HashDataAsync(down, Ct)));

        var range = await Tool.RunOkAsync(curl, ["-sSf", "-r", "50000000-50999999", "-o", dir["range"], "-w", "%{http_code}", $"{proxy.Url}v2/big/blob/blobs/{digest}"]);
        Assert.Equal("206", range.Stdout);
        var slice = new byte[1_000_000];
        await using (var big = File.OpenRead(dir["big"]))
        {
            big.Position = 50_000_000;
            await big.ReadExactlyAsync(slice, Ct);
        }
        Assert.Equal(slice, File.ReadAllBytes(dir["range"]));
        Assert.Equal(0, proxy.TotalInjected);
    }

    [Fact]
    public async Task Faults_are_the_same_for_the_same_seed_and_limited_by_max_faults()
    {
        await using var registry = await RegistryServer.StartAsync(ct: Ct);
        var first = await StatusesAsync(registry, new FaultProxyOptions { Seed = 7, Probability = 0.5, Kinds = [FaultKind.TooManyRequests, FaultKind.ServiceUnavailable] }, 40);
        var again = await StatusesAsync(registry, new FaultProxyOptions { Seed = 7, Probability = 0.5, Kinds = [FaultKind.TooManyRequests, FaultKind.ServiceUnavailable] }, 40);
        var other = await StatusesAsync(registry, new FaultProxyOptions { Seed = 8, Probability = 0.5, Kinds = [FaultKind.TooManyRequests, FaultKind.ServiceUnavailable] }, 40);
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.Contains(200, first);
        Assert.Contains(429, first);
        Assert.Contains(503, first);

        var limited = await StatusesAsync(registry, new FaultProxyOptions { Seed = 1, Probability = 1, Kinds = [FaultKind.ServiceUnavailable], MaxFaults = 2 }, 4);
        Assert.Equal([503, 503, 200, 200], limited);
    }

    private static async Task<List<int>> StatusesAsync(RegistryServer registry, FaultProxyOptions options, int count)
    {
        await using var proxy = await FaultProxy.StartAsync(registry, options, Ct);
        using var http = new HttpClient();
        var statuses = new List<int>();
        for (var i = 0; i < count; i++)
        {
            using var response = await http.GetAsync(new Uri(proxy.Url, "/v2/"), Ct);
            statuses.Add((int)response.StatusCode);
        }
        Assert.Equal(statuses.Count(s => s != 200), proxy.TotalInjected);
        Assert.Equal(statuses.Count(s => s == 429), proxy.Injected(FaultKind.TooManyRequests));
        return statuses;
    }

    private static Digest WriteRandomFile(string path, int size, int seed)
    {
        var random = new Random(seed);
        var buffer = new byte[1024 * 1024];
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var file = File.Create(path);
        for (var written = 0; written < size; written += buffer.Length)
        {
            random.NextBytes(buffer);
            file.Write(buffer);
            sha.AppendData(buffer);
        }
        return Digest.Parse("sha256:" + Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    private static string Header(string headers, string name) =>
        headers.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            .Select(l => l[(name.Length + 1)..].Trim()).LastOrDefault() ?? throw new InvalidOperationException($"no {name} header in:\n{headers}");
}
