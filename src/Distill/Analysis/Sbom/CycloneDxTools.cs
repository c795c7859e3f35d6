using System.Text.Json.Serialization;

namespace Distill.Analysis.Sbom;

/// <summary>The 1.5+ form of <c>metadata.tools</c> (the array form is deprecated).</summary>
public sealed record CycloneDxTools([property: JsonPropertyName("components")] IReadOnlyList<CycloneDxComponent> Components);
