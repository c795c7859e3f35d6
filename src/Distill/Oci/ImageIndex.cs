using System.Text.Json;
using System.Text.Json.Serialization;

namespace Distill.Oci;

/// <summary>
/// An image index (<see href="https://github.com/opencontainers/image-spec/blob/main/image-index.md">image-index.md</see>)
/// or Docker manifest list; also the shape of an OCI layout's <c>index.json</c>.
/// </summary>
public sealed record ImageIndex
{
    [JsonPropertyName("schemaVersion")] public int SchemaVersion { get; init; } = 2;
    [JsonPropertyName("mediaType")] public string? MediaType { get; init; }
    [JsonPropertyName("artifactType")] public string? ArtifactType { get; init; }
    [JsonPropertyName("manifests")] public required IReadOnlyList<Descriptor> Manifests { get; init; }
    [JsonPropertyName("subject")] public Descriptor? Subject { get; init; }
    [JsonPropertyName("annotations")] public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    // settable, not init: System.Text.Json cannot fill extension data through an initializer
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }

    /// <summary>The manifest for <paramref name="platform"/>, or null; entries without a platform match any.</summary>
    public Descriptor? Select(Platform platform) =>
        Manifests.FirstOrDefault(d => MediaTypes.IsManifest(d.MediaType) && d.Platform is not null && platform.Matches(d.Platform))
        ?? (Manifests.Where(d => MediaTypes.IsManifest(d.MediaType)).ToList() is [{ Platform: null } only] ? only : null);
}
