using System.Text.Json.Serialization;

namespace Distill.Build;

/// <summary>JSON strings for history text (source-generated; relaxed escaping like the config writer's).</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class BuildJsonStrings : JsonSerializerContext;
