using System.Text.Json.Serialization;

namespace Distill.Analysis.Sbom;

public sealed record CycloneDxMetadata(
    [property: JsonPropertyName("timestamp")] string Timestamp,
    [property: JsonPropertyName("tools")] CycloneDxTools Tools,
    [property: JsonPropertyName("component")] CycloneDxComponent Component);
