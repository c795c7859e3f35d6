using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Distill.Tests.Support;

/// <summary>
/// The peer tools the integration tests check Distill against (skopeo, umoci, oci-image-tool, runc, podman),
/// each run for real; a missing one fails the test with the package to install.
/// </summary>
public static class Peers
{
    public static string Skopeo => Tool.Require("skopeo", "skopeo");
    public static string Umoci => Tool.Require("umoci", "umoci");
    public static string OciImageTool => Tool.Require("oci-image-tool", "oci-image-tool");
    public static string Runc => Tool.Require("runc", "runc");
    public static string Podman => Tool.Require("podman", "podman");

    /// <summary><c>skopeo inspect [--config] REF</c> as JSON.</summary>
    public static async Task<JsonObject> InspectAsync(string reference, bool config = false)
    {
        var args = config ? new[] { "inspect", "--config", reference } : ["inspect", reference];
        var result = await Tool.RunOkAsync(Skopeo, args);
        return JsonNode.Parse(result.Stdout)!.AsObject();
    }

    /// <summary>The digest of the exact manifest bytes <c>skopeo inspect --raw REF</c> prints.</summary>
    public static async Task<(string Digest, JsonObject Manifest)> RawManifestAsync(string reference)
    {
        var result = await Tool.RunOkAsync(Skopeo, ["inspect", "--raw", reference]);
        var bytes = Encoding.UTF8.GetBytes(result.Stdout);
        return ("sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)), JsonNode.Parse(bytes)!.AsObject());
    }

    public static Task<Tool.Result> SkopeoCopyAsync(string source, string destination) =>
        Tool.RunOkAsync(Skopeo, ["copy", "--quiet", source, destination]);

    /// <summary><c>umoci unpack --image LAYOUT:TAG BUNDLE</c>; returns the bundle's rootfs.</summary>
    public static async Task<string> UmociUnpackAsync(string layout, string tag, string bundle)
    {
        await Tool.RunOkAsync(Umoci, ["unpack", "--image", $"{layout}:{tag}", bundle]);
        return Path.Combine(bundle, "rootfs");
    }

    /// <summary>A container or image name no other test (or test run) uses.</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..10]}";

    public static string[] Strings(JsonNode? array) => array?.AsArray().Select(n => n!.GetValue<string>()).ToArray() ?? [];
}
