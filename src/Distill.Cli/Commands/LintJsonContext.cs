using System.Text.Json.Serialization;

namespace Distill.Cli.Commands;

/// <summary>Source-generated serialization for <c>distill lint --json</c> (no reflection, for Native AOT).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = false)]
[JsonSerializable(typeof(LintJsonReport))]
internal sealed partial class LintJsonContext : JsonSerializerContext;
