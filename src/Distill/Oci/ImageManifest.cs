using System.Text.Json;
using System.Text.Json.Serialization;

namespace Distill.Oci;

/// <summary>
/// An image manifest: OCI (<see href="https://github.com/opencontainers/image-spec/blob/main/manifest.md">manifest.md</see>)
/// or Docker image manifest v2 schema 2, which has the same shape with Docker media types.
/// </summary>
public sealed record ImageManifest
{
    [JsonPropertyName("schemaVersion")] public int SchemaVersion { get; init; } = 2;
    [JsonPropertyName("mediaType")] public string? MediaType { get; init; }
    [JsonPropertyName("artifactType")] public string? ArtifactType { get; init; }
    [JsonPropertyName("config")] public required Descriptor Config { get; init; }
    [JsonPropertyName("layers")] public required IReadOnlyList<Descriptor> Layers { get; init; }
    [JsonPropertyName("subject")] public Descriptor? Subject { get; init; }
    [JsonPropertyName("annotations")] public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    // settable, not init: System.Text.Json cannot fill extension data through an initializer
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }

    /// <summary>True for Docker schema 2 manifests.</summary>
    [JsonIgnore] public bool IsDocker => MediaType == MediaTypes.DockerManifest;
}
