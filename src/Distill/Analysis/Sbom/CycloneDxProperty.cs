using System.Text.Json.Serialization;

namespace Distill.Analysis.Sbom;

/// <summary>A name/value pair; Distill's names start with <c>distill:</c>.</summary>
public sealed record CycloneDxProperty(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("value")] string Value);
