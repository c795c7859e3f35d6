using System.Text.Json.Serialization;

namespace Distill.Analysis.Sbom;

public sealed record CycloneDxComponent(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("name")] string Name)
{
    [JsonPropertyName("bom-ref")]
    [JsonPropertyOrder(-1)]
    public string? BomRef { get; init; }

    [JsonPropertyName("version")] public string? Version { get; init; }
    [JsonPropertyName("hashes")] public IReadOnlyList<CycloneDxHash>? Hashes { get; init; }
    [JsonPropertyName("licenses")] public IReadOnlyList<CycloneDxLicenseChoice>? Licenses { get; init; }
    [JsonPropertyName("purl")] public string? Purl { get; init; }
    [JsonPropertyName("properties")] public IReadOnlyList<CycloneDxProperty>? Properties { get; init; }
}
