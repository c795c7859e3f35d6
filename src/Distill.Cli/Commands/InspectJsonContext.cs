using System.Text.Json.Serialization;

namespace Distill.Cli.Commands;

/// <summary>Source-generated serialization for <c>distill inspect --json</c> (no reflection, for Native AOT).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(InspectJsonReport))]
internal sealed partial class InspectJsonContext : JsonSerializerContext;
