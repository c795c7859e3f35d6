using System.Text.Json.Serialization;

namespace Distill.Analysis.Sbom;

public sealed record CycloneDxLicense([property: JsonPropertyName("name")] string Name);
