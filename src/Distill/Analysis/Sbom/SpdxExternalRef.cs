using System.Text.Json.Serialization;

namespace Distill.Analysis.Sbom;

/// <summary><c>PACKAGE-MANAGER purl pkg:…</c> (SPDX 2.3 annex F).</summary>
public sealed record SpdxExternalRef(
    [property: JsonPropertyName("referenceCategory")] string ReferenceCategory,
    [property: JsonPropertyName("referenceType")] string ReferenceType,
    [property: JsonPropertyName("referenceLocator")] string ReferenceLocator);
