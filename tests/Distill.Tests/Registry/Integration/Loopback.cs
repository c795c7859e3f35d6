using System.Text.Json.Nodes;
using Distill.Oci;
using Distill.Registry;
using Distill.Tests.Support;

namespace Distill.Tests.Registry.Integration;

/// <summary>What the registry acceptance tests share: library contexts for loopback registries, an isolated CLI environment, layout checks.</summary>
internal static class Loopback
{
    /// <summary>A context that may use plain HTTP (and unverified TLS), as <c>--tls-verify=false</c>.</summary>
    public static RegistryContext Context(ICredentialProvider? credentials = null, RegistryPolicy? policy = null) =>
        new(credentials ?? AnonymousCredentials.Instance, DirectResolver.Instance, policy, skipTlsVerify: _ => true)
        {
            SourceTlsVerify = false,
            DestinationTlsVerify = false,
        };

    /// <summary>Transport options with this registry context; the local store is a throwaway one unless given.</summary>
    public static TransportOptions Options(RegistryContext context, string platform = "linux/amd64", LocalStore? store = null) =>
        new() { Platform = Platform.Parse(platform), Registry = context, Store = store ?? new LocalStore(Path.Combine(Path.GetTempPath(), "distill-unused-store")) };

    /// <summary>
    /// The CLI's environment with nothing of the machine's user: home, XDG dirs, docker config and auth file all under
    /// <paramref name="temp"/> (so no auth file, registries.conf or certs.d of the user is read).
    /// </summary>
    public static Dictionary<string, string> Env(TempDir temp)
    {
        Directory.CreateDirectory(temp["home/.config"]);
        Directory.CreateDirectory(temp["run"]);
        return new Dictionary<string, string>
        {
            ["HOME"] = temp["home"],
            ["XDG_CONFIG_HOME"] = temp["home/.config"],
            ["XDG_RUNTIME_DIR"] = temp["run"],
            ["DOCKER_CONFIG"] = temp["home/.docker"],
            ["REGISTRY_AUTH_FILE"] = temp["auth.json"],
        };
    }

    /// <summary>The digest index.json gives the (tagged, or only) manifest of an OCI layout, after validating the layout.</summary>
    public static string ManifestDigest(string layout, string? tag = null)
    {
        LayoutValidator.AssertValid(layout);
        var manifests = JsonNode.Parse(File.ReadAllText(Path.Combine(layout, "index.json")))!["manifests"]!.AsArray();
        var entry = tag is null
            ? Assert.Single(manifests)
            : manifests.Single(m => (string?)m!["annotations"]?["org.opencontainers.image.ref.name"] == tag);
        return (string)entry!["digest"]!;
    }

    /// <summary>Pulls through the library into an OCI layout (validated) and returns the manifest descriptor written.</summary>
    public static async Task<Descriptor> PullToLayoutAsync(RegistryContext context, string name, string layout, string platform = "linux/amd64", CancellationToken ct = default)
    {
        var image = await Transports.ReadAsync(new RegistryReference(ImageName.Parse(name)), Options(context, platform), ct);
        var written = await Transports.WriteAsync(image, new OciLayoutReference(layout, "latest"), Options(context, platform), ct);
        LayoutValidator.AssertValid(layout);
        return written;
    }

    /// <summary>An image with layers of exactly these sizes of random (incompressible) bytes, gzip level 1.</summary>
    public static async Task<IImage> SizedImageAsync(string staging, int seed, IReadOnlyList<int> layerSizes, CancellationToken ct = default)
    {
        var random = new Random(seed);
        var layers = new List<ILayer>();
        var history = new List<HistoryEntry>();
        for (var i = 0; i < layerSizes.Count; i++)
        {
            var data = new byte[layerSizes[i]];
            random.NextBytes(data);
            var source = Path.Combine(staging, $"seed{seed}-layer{i}.bin");
            Directory.CreateDirectory(staging);
            await File.WriteAllBytesAsync(source, data, ct);
            var entries = new List<FileTreeEntry>
            {
                new(new TarEntryHeader { Name = $"l{i}", Kind = TarEntryKind.Directory, Mode = 0x1ed }, null),
                new(new TarEntryHeader { Name = $"l{i}/data", Kind = TarEntryKind.File, Mode = 0x1a4, Size = data.Length }, source),
            };
            var built = await LayerBuilder.BuildAsync(entries, new LayerBuildOptions { StagingDirectory = staging, Compression = LayerCompression.Gzip, Level = 1 }, ct);
            layers.Add(built.Layer);
            history.Add(new HistoryEntry { Created = "2024-01-02T03:04:05Z", CreatedBy = $"layer {i} of {layerSizes[i]} bytes" });
        }
        var config = ImageConfig.Empty(Platform.LinuxAmd64) with
        {
            Created = "2024-01-02T03:04:05Z",
            Config = new ContainerConfig { Env = [$"SEED={seed}"] },
            History = history,
        };
        return Image.Create(config, layers, new ImageOptions());
    }
}
