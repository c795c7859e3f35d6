using System.Text.Json;
using System.Text.Json.Serialization;

namespace Distill.Oci;

/// <summary>
/// The image configuration (<see href="https://github.com/opencontainers/image-spec/blob/main/config.md">config.md</see>),
/// also Docker's <c>container.image.v1</c>. Typed where Distill reads or writes a field; every other field
/// (Docker's <c>container_config</c>, <c>docker_version</c>, …) is kept in <see cref="Extra"/> so a base
/// image's config survives a round trip.
/// </summary>
public sealed record ImageConfig
{
    [JsonPropertyName("created")] public string? Created { get; init; }
    [JsonPropertyName("author")] public string? Author { get; init; }
    [JsonPropertyName("architecture")] public required string Architecture { get; init; }
    [JsonPropertyName("os")] public required string Os { get; init; }
    [JsonPropertyName("os.version")] public string? OsVersion { get; init; }
    [JsonPropertyName("os.features")] public IReadOnlyList<string>? OsFeatures { get; init; }
    [JsonPropertyName("variant")] public string? Variant { get; init; }
    [JsonPropertyName("config")] public ContainerConfig? Config { get; init; }
    [JsonPropertyName("rootfs")] public required RootFs RootFs { get; init; }
    [JsonPropertyName("history")] public IReadOnlyList<HistoryEntry>? History { get; init; }

    // settable, not init: System.Text.Json cannot fill extension data through an initializer
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }

    [JsonIgnore] public Platform Platform => new() { Os = Os, Architecture = Architecture, Variant = Variant, OsVersion = OsVersion };

    /// <summary>An empty config for <paramref name="platform"/>: no layers, no history.</summary>
    public static ImageConfig Empty(Platform platform) => new()
    {
        Architecture = platform.Architecture,
        Os = platform.Os,
        Variant = platform.Variant,
        RootFs = new RootFs { DiffIds = [] },
        Config = new ContainerConfig(),
    };
}

/// <summary>The runtime defaults of an image (<c>config</c> in the image config).</summary>
public sealed record ContainerConfig
{
    [JsonPropertyName("User")] public string? User { get; init; }
    [JsonPropertyName("ExposedPorts")] public IReadOnlyDictionary<string, EmptyObject>? ExposedPorts { get; init; }
    [JsonPropertyName("Env")] public IReadOnlyList<string>? Env { get; init; }
    [JsonPropertyName("Entrypoint")] public IReadOnlyList<string>? Entrypoint { get; init; }
    [JsonPropertyName("Cmd")] public IReadOnlyList<string>? Cmd { get; init; }
    [JsonPropertyName("Volumes")] public IReadOnlyDictionary<string, EmptyObject>? Volumes { get; init; }
    [JsonPropertyName("WorkingDir")] public string? WorkingDir { get; init; }
    [JsonPropertyName("Labels")] public IReadOnlyDictionary<string, string>? Labels { get; init; }
    [JsonPropertyName("StopSignal")] public string? StopSignal { get; init; }

    // settable, not init: System.Text.Json cannot fill extension data through an initializer
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>The layer diffIDs of an image (<c>rootfs</c>).</summary>
public sealed record RootFs
{
    [JsonPropertyName("type")] public string Type { get; init; } = "layers";
    [JsonPropertyName("diff_ids")] public required IReadOnlyList<Digest> DiffIds { get; init; }
}

/// <summary>One history entry; <see cref="EmptyLayer"/> marks instructions that made no layer.</summary>
public sealed record HistoryEntry
{
    [JsonPropertyName("created")] public string? Created { get; init; }
    [JsonPropertyName("created_by")] public string? CreatedBy { get; init; }
    [JsonPropertyName("author")] public string? Author { get; init; }
    [JsonPropertyName("comment")] public string? Comment { get; init; }
    [JsonPropertyName("empty_layer")] public bool? EmptyLayer { get; init; }

    // settable, not init: System.Text.Json cannot fill extension data through an initializer
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>The <c>{}</c> value of <c>ExposedPorts</c> and <c>Volumes</c> maps.</summary>
public sealed record EmptyObject
{
    public static EmptyObject Instance { get; } = new();
}
