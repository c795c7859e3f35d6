using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Registry.Integration;

/// <summary>
/// distill and skopeo against a real registry without auth: what one pushes the other pulls with the same manifest
/// digest, by tag and by digest, and a copy between repositories of one registry mounts instead of uploading.
/// </summary>
public sealed class PushPullTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task What_distill_copy_pushes_skopeo_inspects_and_pulls_with_the_same_digest()
    {
        await using var registry = await RegistryServer.StartAsync(ct: Ct);
        using var box = new CliSandbox();
        var env = Loopback.Env(box.Temp);
        var image = await RegistryImages.CreateLayoutAsync(box["src"], "v1", seed: 11, layers: 3, ct: Ct);
        var digest = await box.DigestOfAsync(["copy", $"oci:{box["src"]}:v1", $"docker://{registry.Host}/app:v1", "--dest-tls-verify=false"], env);
        Assert.Equal(image.ManifestDescriptor.Digest.ToString(), digest);

        var raw = await RegistryImages.InspectRawAsync(registry, "app", "v1");
        Assert.Equal(digest, Digest.Compute(raw).ToString());
        Assert.Equal(image.ManifestBytes.ToArray(), raw);
        await RegistryImages.PullAsync(registry, "app", "v1", box["skopeo-out"]);
        Assert.Equal(digest, Loopback.ManifestDigest(box["skopeo-out"], "v1"));

        // by digest: the manifest is put under its digest, and skopeo finds it there
        var other = await RegistryImages.CreateLayoutAsync(box["src2"], "v2", seed: 12, ct: Ct);
        var byDigest = await box.DigestOfAsync(["copy", $"oci:{box["src2"]}:v2", $"docker://{registry.Host}/app@{other.ManifestDescriptor.Digest}", "--dest-tls-verify=false"], env);
        Assert.Equal(other.ManifestDescriptor.Digest.ToString(), byDigest);
        Assert.Equal(other.ManifestBytes.ToArray(), await RegistryImages.InspectRawAsync(registry, "app", byDigest));
        box.AssertNoLeftovers();
    }

    [Fact]
    public async Task What_skopeo_pushes_distill_copy_and_pull_get_with_the_same_digest_and_valid_layouts()
    {
        await using var registry = await RegistryServer.StartAsync(ct: Ct);
        using var box = new CliSandbox();
        var env = Loopback.Env(box.Temp);
        var image = await RegistryImages.CreateLayoutAsync(box["src"], "v1", seed: 21, layers: 3, ct: Ct);
        await RegistryImages.PushAsync(registry, box["src"], "v1", "team/app");
        var expected = image.ManifestDescriptor.Digest.ToString();

        Assert.Equal(expected, await box.DigestOfAsync(["copy", $"docker://{registry.Host}/team/app:v1", $"oci:{box["out"]}:v1", "--src-tls-verify=false"], env));
        Assert.Equal(expected, Loopback.ManifestDigest(box["out"], "v1"));
        // by digest too
        Assert.Equal(expected, await box.DigestOfAsync(["copy", $"docker://{registry.Host}/team/app@{expected}", $"oci:{box["by-digest"]}:x", "--src-tls-verify=false"], env));
        Assert.Equal(expected, Loopback.ManifestDigest(box["by-digest"], "x"));

        var pull = await box.RunAsync(["pull", $"{registry.Host}/team/app:v1", "--src-tls-verify=false"], env);
        Assert.True(pull.ExitCode == 0, pull.All);
        Assert.Equal(expected, CliSandbox.PrintedDigest(pull));
        Assert.Contains("Copying blob", pull.Stdout, StringComparison.Ordinal);
        LayoutValidator.AssertValid(box.Store.Layout, allowDockerMediaTypes: true);
        var stored = box.Store.Read(ImageName.Parse($"{registry.Host}/team/app:v1"), Platform.LinuxAmd64);
        Assert.Equal(expected, stored.ManifestDescriptor.Digest.ToString());
        // and out of the store again, unchanged
        Assert.Equal(expected, await box.DigestOfAsync(["copy", $"{registry.Host}/team/app:v1", $"oci:{box["from-store"]}:v1"], env));
        Assert.Equal(expected, Loopback.ManifestDigest(box["from-store"], "v1"));
        box.AssertNoLeftovers();
    }

    [Fact]
    public async Task Copying_between_repositories_of_one_registry_mounts_the_layers_instead_of_uploading_them()
    {
        await using var registry = await RegistryServer.StartAsync(ct: Ct);
        await using var proxy = await FaultProxy.StartAsync(registry, new FaultProxyOptions { Probability = 0 }, Ct);
        using var box = new CliSandbox();
        var env = Loopback.Env(box.Temp);
        var image = await RegistryImages.CreateLayoutAsync(box["src"], "v1", seed: 31, layers: 3, ct: Ct);
        await RegistryImages.PushAsync(registry, box["src"], "v1", "a/app");

        var digest = await box.DigestOfAsync(
            ["copy", $"docker://{proxy.Host}/a/app:v1", $"docker://{proxy.Host}/b/app:v1", "--src-tls-verify=false", "--dest-tls-verify=false"], env);
        Assert.Equal(image.ManifestDescriptor.Digest.ToString(), digest);
        Assert.Equal(image.ManifestBytes.ToArray(), await RegistryImages.InspectRawAsync(registry, "b/app", "v1"));

        var requests = proxy.Received;
        var log = string.Join('\n', requests.Select(r => $"{r.Method} {r.PathAndQuery}"));
        foreach (var layer in image.Layers)
        {
            var d = Uri.EscapeDataString(layer.Descriptor.Digest.ToString());
            Assert.True(requests.Any(r => r.Method == "POST" && r.PathAndQuery.StartsWith("/v2/b/app/blobs/uploads/", StringComparison.Ordinal)
                && r.PathAndQuery.Contains($"mount={d}", StringComparison.OrdinalIgnoreCase) && r.PathAndQuery.Contains("from=a%2Fapp", StringComparison.OrdinalIgnoreCase)),
                $"no mount of {layer.Descriptor.Digest} from a/app:\n{log}");
            Assert.False(requests.Any(r => r.Method is "PUT" or "PATCH" && r.PathAndQuery.Contains(d, StringComparison.OrdinalIgnoreCase)),
                $"layer {layer.Descriptor.Digest} was uploaded, not mounted:\n{log}");
            Assert.False(requests.Any(r => r.Method == "GET" && r.PathAndQuery.Contains($"/blobs/{layer.Descriptor.Digest}", StringComparison.Ordinal)),
                $"layer {layer.Descriptor.Digest} was downloaded for a copy within the registry:\n{log}");
        }
        await RegistryImages.PullAsync(registry, "b/app", "v1", box["check"]);
        Assert.Equal(digest, Loopback.ManifestDigest(box["check"], "v1"));
    }
}
