using System.Text.Json.Serialization;

namespace Distill.Analysis.Sbom;

/// <summary>Source-generated serializers for the SBOM documents (the CLI is Native AOT: no reflection).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SpdxDocument))]
[JsonSerializable(typeof(CycloneDxBom))]
internal sealed partial class SbomJsonContext : JsonSerializerContext;
