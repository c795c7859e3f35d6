using System.Text.Json.Serialization;

namespace Distill.Analysis.Sbom;

public sealed record SpdxCreationInfo(
    [property: JsonPropertyName("created")] string Created,
    [property: JsonPropertyName("creators")] IReadOnlyList<string> Creators);
