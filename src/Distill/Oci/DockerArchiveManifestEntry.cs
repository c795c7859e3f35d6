using System.Text.Json.Serialization;

namespace Distill.Oci;

/// <summary>One entry of a docker-archive's <c>manifest.json</c> (what <c>docker save</c> writes).</summary>
public sealed record DockerArchiveManifestEntry
{
    [JsonPropertyName("Config")] public required string Config { get; init; }
    [JsonPropertyName("RepoTags")] public IReadOnlyList<string>? RepoTags { get; init; }
    [JsonPropertyName("Layers")] public required IReadOnlyList<string> Layers { get; init; }
    [JsonPropertyName("LayerSources")] public IReadOnlyDictionary<string, Descriptor>? LayerSources { get; init; }
}
