using System.Text.Json.Serialization;

namespace Distill.Build;

[JsonSerializable(typeof(BuiltLayerRecord))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class BuildJsonContext : JsonSerializerContext;
