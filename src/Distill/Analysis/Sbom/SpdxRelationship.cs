using System.Text.Json.Serialization;

namespace Distill.Analysis.Sbom;

public sealed record SpdxRelationship(
    [property: JsonPropertyName("spdxElementId")] string SpdxElementId,
    [property: JsonPropertyName("relationshipType")] string RelationshipType,
    [property: JsonPropertyName("relatedSpdxElement")] string RelatedSpdxElement);
