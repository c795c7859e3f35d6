using System.Text.Json.Serialization;

namespace Distill.Cli.Commands;

/// <summary>Source-generated serialization for <c>distill verify --json</c> (no reflection, for Native AOT).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = false)]
[JsonSerializable(typeof(VerifyJsonReport))]
internal sealed partial class VerifyJsonContext : JsonSerializerContext;
