using System.Text.Json.Serialization;

namespace Distill.Cli.Commands;

/// <summary>Source-generated serialization for <c>distill compare --json</c> (no reflection, for Native AOT).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(CompareJsonReport))]
internal sealed partial class CompareJsonContext : JsonSerializerContext;
