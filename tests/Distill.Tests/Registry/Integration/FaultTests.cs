using System.Diagnostics;
using Distill.Oci;
using Distill.Registry;
using Distill.Tests.Support;

namespace Distill.Tests.Registry.Integration;

/// <summary>
/// A <see cref="FaultProxy"/> between the client and a real registry: dropped connections mid-body, 429 with Retry-After,
/// 503 and flipped bytes, on ~10 % of exchanges with a fixed seed. Every push and pull still ends with the source's
/// digests, nothing corrupt is ever stored, and a dropped download resumes with a Range request.
/// </summary>
public sealed class FaultTests
{
    private const int Seed = 20241127;
    private const int Images = 50;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Fast retries: the faults are many, the registry is local.</summary>
    private static readonly RegistryPolicy Policy = RegistryPolicy.Default with
    {
        BaseDelay = TimeSpan.FromMilliseconds(20),
        MaxDelay = TimeSpan.FromSeconds(1),
        MaxAttempts = 10,
        RequestTimeout = TimeSpan.FromSeconds(20),
    };

    [Fact]
    public async Task Fifty_pushes_and_fifty_pulls_through_ten_percent_faults_all_end_with_the_source_digests()
    {
        var clock = Stopwatch.StartNew();
        await using var registry = await RegistryServer.StartAsync(ct: Ct);
        await using var proxy = await FaultProxy.StartAsync(registry, new FaultProxyOptions { Seed = Seed, Probability = 0.1, RetryAfterSeconds = 1 }, Ct);
        using var temp = new TempDir();
        var random = new Random(Seed);
        var plans = Enumerable.Range(0, Images).Select(i =>
        {
            var layers = random.Next(1, 4);
            var sizes = Enumerable.Range(0, layers).Select(_ => random.Next(1_000, 400_000)).ToList();
            if (i < 2)
                sizes.Add(3_000_000 + i * 500_000); // a couple bigger than the 1 MiB monolithic limit: PATCH uploads, long downloads
            return sizes;
        }).ToList();
        var images = new IImage[Images];
        await Parallel.ForAsync(0, Images, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = Ct }, async (i, ct) =>
            images[i] = await Loopback.SizedImageAsync(temp[$"staging/{i}"], Seed + i, plans[i], ct));

        var context = Loopback.Context(policy: Policy);
        await Parallel.ForAsync(0, Images, new ParallelOptions { MaxDegreeOfParallelism = 6, CancellationToken = Ct }, async (i, ct) =>
        {
            var pushed = await RegistryTransport.WriteAsync(context, images[i], ImageName.Parse($"{proxy.Host}/fault/app{i}:v1"), ct);
            Assert.Equal(images[i].ManifestDescriptor.Digest, pushed.Digest);
        });

        var store = new LocalStore(temp["store"]);
        var pulled = new Descriptor[Images];
        await Parallel.ForAsync(0, Images, new ParallelOptions { MaxDegreeOfParallelism = 6, CancellationToken = Ct }, async (i, ct) =>
        {
            // a fresh context per pull half the time, so manifests and tokens are not all warm
            var ctx = i % 2 == 0 ? context : Loopback.Context(policy: Policy);
            var options = Loopback.Options(ctx, store: store);
            var image = await Transports.ReadAsync(new RegistryReference(ImageName.Parse($"{proxy.Host}/fault/app{i}:v1")), options, ct);
            pulled[i] = i % 2 == 0
                ? await Transports.WriteAsync(image, new OciLayoutReference(temp[$"layouts/{i}"], "v1"), options, ct)
                : await Transports.WriteAsync(image, new StoreReference(ImageName.Parse($"pulled/app{i}:v1")), options, ct);
        });

        for (var i = 0; i < Images; i++)
            Assert.Equal(images[i].ManifestDescriptor.Digest, pulled[i].Digest);
        // every blob written verifies (the validator hashes each one): a flipped byte was never stored
        for (var i = 0; i < Images; i += 2)
            Assert.Equal(images[i].ManifestDescriptor.Digest.ToString(), Loopback.ManifestDigest(temp[$"layouts/{i}"], "v1"));
        LayoutValidator.AssertValid(store.Layout, allowDockerMediaTypes: true);
        var leftovers = Directory.EnumerateFiles(temp.Path, ".tmp-*", SearchOption.AllDirectories).ToList();
        Assert.True(leftovers.Count == 0, string.Join(", ", leftovers));
        // and what the registry holds is exactly the source (read past the proxy)
        var direct = Loopback.Context();
        foreach (var i in new[] { 0, 1, 17, 49 })
            Assert.Equal(images[i].ManifestDescriptor.Digest, (await Loopback.PullToLayoutAsync(direct, $"{registry.Host}/fault/app{i}:v1", temp[$"direct/{i}"], ct: Ct)).Digest);

        var summary = string.Join(", ", Enum.GetValues<FaultKind>().Select(k => $"{k} {proxy.Injected(k)}"));
        foreach (var kind in Enum.GetValues<FaultKind>())
            Assert.True(proxy.Injected(kind) > 0, $"no {kind} injected ({summary}): the test proves less than it claims");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"took {clock.Elapsed} ({summary})");
    }

    [Fact]
    public async Task A_download_dropped_mid_blob_resumes_with_a_Range_request()
    {
        await using var registry = await RegistryServer.StartAsync(ct: Ct);
        using var temp = new TempDir();
        var image = await Loopback.SizedImageAsync(temp["staging"], Seed, [4_000_000], Ct);
        await RegistryTransport.WriteAsync(Loopback.Context(), image, ImageName.Parse($"{registry.Host}/big:v1"), Ct);
        var layer = image.Layers[0].Descriptor.Digest.ToString();
        await using var proxy = await FaultProxy.StartAsync(registry, new FaultProxyOptions
        {
            Seed = Seed,
            Probability = 1,
            Kinds = [FaultKind.DropConnection],
            Applies = (method, path) => method == "GET" && path.Contains(layer, StringComparison.Ordinal),
            MaxFaults = 1,
        }, Ct);

        var pulled = await Loopback.PullToLayoutAsync(Loopback.Context(policy: Policy), $"{proxy.Host}/big:v1", temp["out"], ct: Ct);
        Assert.Equal(image.ManifestDescriptor.Digest, pulled.Digest);
        var drop = Assert.Single(proxy.Faults);
        Assert.Equal(FaultKind.DropConnection, drop.Kind);
        Assert.True(drop.Offset is > 0 and < 4_000_000, $"dropped at {drop.Offset}");
        var gets = proxy.Received.Where(r => r.Method == "GET" && r.PathAndQuery.Contains(layer, StringComparison.Ordinal)).ToList();
        var log = string.Join("; ", gets.Select(g => $"{g.PathAndQuery} Range={g.Range}"));
        Assert.True(gets.Count == 2, $"expected the first GET and one resuming GET: {log}");
        Assert.Null(gets[0].Range);
        Assert.Equal($"bytes={drop.Offset}-", gets[1].Range);
    }
}
