using System.Text.Json.Serialization;

namespace Distill.Analysis.Sbom;

public sealed record CycloneDxDependency(
    [property: JsonPropertyName("ref")] string Ref,
    [property: JsonPropertyName("dependsOn")] IReadOnlyList<string> DependsOn);
