using Distill.Tests.Support;

namespace Distill.Tests.Registry.Integration;

/// <summary>
/// An HTTPS registry with a certificate from a test CA: untrusted is an error about the certificate; the CA in the
/// user's certs.d (<c>$XDG_CONFIG_HOME/containers/certs.d/HOST:PORT/ca.crt</c>) makes it trusted; <c>--tls-verify=false</c> skips the check.
/// </summary>
public sealed class TlsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Untrusted_fails_on_the_certificate_certs_d_trusts_it_and_tls_verify_false_skips_it()
    {
        await using var registry = await RegistryServer.StartAsync(new RegistryServerOptions { Tls = true }, Ct);
        using var box = new CliSandbox();
        var env = Loopback.Env(box.Temp);
        var image = await RegistryImages.CreateLayoutAsync(box["src"], "v1", seed: 81, ct: Ct);
        var expected = image.ManifestDescriptor.Digest.ToString();
        await RegistryImages.PushAsync(registry, box["src"], "v1", "app");

        var untrusted = await box.RunAsync(["copy", $"docker://{registry.Host}/app:v1", $"oci:{box["out0"]}:v1"], env);
        CliSandbox.AssertOneLineError(untrusted, registry.Host);
        Assert.True(untrusted.Stderr.Contains("certificate", StringComparison.OrdinalIgnoreCase), untrusted.Stderr);
        Assert.Contains("certs.d", untrusted.Stderr, StringComparison.Ordinal);
        Assert.Contains("--src-tls-verify=false", untrusted.Stderr, StringComparison.Ordinal); // the flags distill has (not skopeo's --tls-verify)
        var untrustedPush = await box.RunAsync(["copy", $"oci:{box["src"]}:v1", $"docker://{registry.Host}/pushed:v1"], env);
        CliSandbox.AssertOneLineError(untrustedPush, registry.Host);
        Assert.True(untrustedPush.Stderr.Contains("certificate", StringComparison.OrdinalIgnoreCase), untrustedPush.Stderr);
        Assert.Contains("--dest-tls-verify=false", untrustedPush.Stderr, StringComparison.Ordinal);

        Assert.Equal(expected, await box.DigestOfAsync(["copy", $"docker://{registry.Host}/app:v1", $"oci:{box["out1"]}:v1", "--src-tls-verify=false"], env));
        Assert.Equal(expected, Loopback.ManifestDigest(box["out1"], "v1"));
        Assert.Equal(expected, await box.DigestOfAsync(["copy", $"oci:{box["src"]}:v1", $"docker://{registry.Host}/insecure:v1", "--dest-tls-verify=false"], env));

        registry.WriteCertsD(box["home/.config/containers/certs.d"]);
        Assert.Equal(expected, await box.DigestOfAsync(["copy", $"docker://{registry.Host}/app:v1", $"oci:{box["out2"]}:v1"], env));
        Assert.Equal(expected, Loopback.ManifestDigest(box["out2"], "v1"));
        Assert.Equal(expected, await box.DigestOfAsync(["copy", $"oci:{box["src"]}:v1", $"docker://{registry.Host}/pushed:v1"], env));
        Assert.Equal(expected, await box.DigestOfAsync(["pull", $"{registry.Host}/pushed:v1"], env));
        Assert.Equal(image.ManifestBytes.ToArray(), await RegistryImages.InspectRawAsync(registry, "pushed", "v1"));
        LayoutValidator.AssertValid(box.Store.Layout, allowDockerMediaTypes: true);
    }
}
