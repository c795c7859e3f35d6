using System.Text.Json.Serialization;

namespace Distill.Analysis.Sbom;

/// <summary>An SPDX 2.3 document as JSON (<see href="https://spdx.github.io/spdx-spec/v2.3/document-creation-information/">clause 6</see>).</summary>
public sealed record SpdxDocument(
    [property: JsonPropertyName("spdxVersion")] string SpdxVersion,
    [property: JsonPropertyName("dataLicense")] string DataLicense,
    [property: JsonPropertyName("SPDXID")] string SpdxId,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("documentNamespace")] string DocumentNamespace,
    [property: JsonPropertyName("creationInfo")] SpdxCreationInfo CreationInfo,
    [property: JsonPropertyName("packages")] IReadOnlyList<SpdxPackage> Packages,
    [property: JsonPropertyName("relationships")] IReadOnlyList<SpdxRelationship> Relationships);
