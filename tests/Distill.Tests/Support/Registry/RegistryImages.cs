using Distill.Oci;

namespace Distill.Tests.Support;

/// <summary>
/// Moves images in and out of a <see cref="RegistryServer"/> with skopeo, the reference client: push an OCI layout
/// (<c>skopeo copy oci:DIR:TAG docker://HOST/REPO:TAG</c>), pull one back, read a raw manifest. With TLS the CA is
/// trusted through a cert dir; otherwise <c>--tls-verify=false</c>. Credentials are the registry's unless given.
/// The <c>host</c> parameters let the same calls go through a <see cref="FaultProxy"/>.
/// </summary>
public static class RegistryImages
{
    /// <summary>Writes a small random image (<see cref="RandomImage"/>) into an OCI layout at <paramref name="layout"/>:<paramref name="tag"/>, validated.</summary>
    public static async Task<IImage> CreateLayoutAsync(string layout, string tag, int seed, int layers = 2, CancellationToken ct = default)
    {
        var staging = layout + ".staging";
        var image = await RandomImage.CreateAsync(staging, seed, layers, ct: ct);
        await OciLayoutWriter.WriteAsync(image, layout, tag, removeNewBlobsOnFailure: false, ct);
        LayoutValidator.AssertValid(layout);
        return image;
    }

    /// <summary>Pushes <paramref name="layout"/>:<paramref name="tag"/> to <c>REGISTRY/repository:tag</c>, failing the test with skopeo's and the registry's output otherwise.</summary>
    public static async Task PushAsync(RegistryServer registry, string layout, string tag, string repository, string? host = null)
    {
        var result = await TryPushAsync(registry, layout, tag, repository, DefaultCredentials(registry), host);
        if (result.ExitCode != 0)
            Assert.Fail($"skopeo push to {host ?? registry.Host}/{repository}:{tag} failed:\n{result.All}\nregistry log:\n{registry.Log}");
    }

    /// <summary>
    /// Pushes with the given credentials (<c>user:password</c>, or null for none) and returns skopeo's result, for tests of failures.
    /// </summary>
    public static Task<Tool.Result> TryPushAsync(RegistryServer registry, string layout, string tag, string repository, string? credentials, string? host = null) =>
        SkopeoAsync(registry, ["copy", .. Tls(registry, "dest"), .. Creds("dest", credentials), $"oci:{layout}:{tag}", $"docker://{host ?? registry.Host}/{repository}:{tag}"]);

    /// <summary>Pulls <c>REGISTRY/repository:tag</c> into the OCI layout <paramref name="layout"/>:<paramref name="tag"/> and validates it.</summary>
    public static async Task PullAsync(RegistryServer registry, string repository, string tag, string layout, string? host = null)
    {
        var result = await TryPullAsync(registry, repository, tag, layout, DefaultCredentials(registry), host);
        if (result.ExitCode != 0)
            Assert.Fail($"skopeo pull of {host ?? registry.Host}/{repository}:{tag} failed:\n{result.All}\nregistry log:\n{registry.Log}");
        LayoutValidator.AssertValid(layout);
    }

    public static Task<Tool.Result> TryPullAsync(RegistryServer registry, string repository, string tag, string layout, string? credentials, string? host = null) =>
        SkopeoAsync(registry, ["copy", .. Tls(registry, "src"), .. Creds("src", credentials), $"docker://{host ?? registry.Host}/{repository}:{tag}", $"oci:{layout}:{tag}"]);

    /// <summary>The manifest exactly as the registry serves it (<c>skopeo inspect --raw</c>).</summary>
    public static async Task<byte[]> InspectRawAsync(RegistryServer registry, string repository, string reference, string? host = null)
    {
        var separator = reference.StartsWith("sha256:", StringComparison.Ordinal) ? "@" : ":";
        var result = await SkopeoAsync(registry, ["inspect", "--raw", .. Tls(registry, null), .. Creds(null, DefaultCredentials(registry)),
            $"docker://{host ?? registry.Host}/{repository}{separator}{reference}"]);
        if (result.ExitCode != 0)
            Assert.Fail($"skopeo inspect --raw {repository}{separator}{reference} failed:\n{result.All}\nregistry log:\n{registry.Log}");
        return System.Text.Encoding.UTF8.GetBytes(result.Stdout);
    }

    private static string? DefaultCredentials(RegistryServer registry) => registry.Auth == RegistryAuth.None ? null : registry.Credentials;

    /// <summary>TLS flags for one side (<c>src</c>, <c>dest</c>, or null for inspect): trust the test CA, or don't verify plain HTTP.</summary>
    private static string[] Tls(RegistryServer registry, string? side)
    {
        var prefix = side is null ? "--" : $"--{side}-";
        if (registry.Tls is null)
            return [$"{prefix}tls-verify=false"];
        var certDir = Path.Combine(registry.StorageDirectory + ".certs");
        if (!Directory.Exists(certDir))
            registry.WriteCertDirectory(certDir);
        return [$"{prefix}cert-dir={certDir}"];
    }

    private static string[] Creds(string? side, string? credentials) =>
        credentials is null ? [] : [side is null ? $"--creds={credentials}" : $"--{side}-creds={credentials}"];

    private static Task<Tool.Result> SkopeoAsync(RegistryServer registry, IEnumerable<string> args)
    {
        var skopeo = Tool.Require("skopeo", "skopeo");
        // no auth.json of the machine: only the credentials given here
        var env = new Dictionary<string, string> { ["REGISTRY_AUTH_FILE"] = Path.Combine(registry.StorageDirectory + ".auth.json") };
        return Tool.RunAsync(skopeo, args, env: env, timeoutSeconds: 60);
    }
}
