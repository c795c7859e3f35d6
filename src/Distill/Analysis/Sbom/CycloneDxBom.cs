using System.Text.Json.Serialization;

namespace Distill.Analysis.Sbom;

/// <summary>A CycloneDX 1.6 BOM as JSON (<see href="https://cyclonedx.org/docs/1.6/json/">reference</see>).</summary>
public sealed record CycloneDxBom(
    [property: JsonPropertyName("bomFormat")] string BomFormat,
    [property: JsonPropertyName("specVersion")] string SpecVersion,
    [property: JsonPropertyName("serialNumber")] string SerialNumber,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("metadata")] CycloneDxMetadata Metadata,
    [property: JsonPropertyName("components")] IReadOnlyList<CycloneDxComponent> Components,
    [property: JsonPropertyName("dependencies")] IReadOnlyList<CycloneDxDependency> Dependencies)
{
    [JsonPropertyName("$schema")]
    [JsonPropertyOrder(-1)]
    public string Schema { get; init; } = "http://cyclonedx.org/schema/bom-1.6.schema.json";
}
