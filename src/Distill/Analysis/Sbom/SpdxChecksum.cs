using System.Text.Json.Serialization;

namespace Distill.Analysis.Sbom;

public sealed record SpdxChecksum(
    [property: JsonPropertyName("algorithm")] string Algorithm,
    [property: JsonPropertyName("checksumValue")] string ChecksumValue);
