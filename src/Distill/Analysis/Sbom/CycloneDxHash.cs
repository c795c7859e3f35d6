using System.Text.Json.Serialization;

namespace Distill.Analysis.Sbom;

public sealed record CycloneDxHash(
    [property: JsonPropertyName("alg")] string Algorithm,
    [property: JsonPropertyName("content")] string Content);
