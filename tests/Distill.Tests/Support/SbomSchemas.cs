using System.Text.Json.Nodes;
using Json.Schema;

namespace Distill.Tests.Support;

/// <summary>
/// The SPDX 2.3 and CycloneDX 1.6 JSON schemas from <c>../shared/schemas</c> (draft-07, loaded as they are).
/// CycloneDX's schema names <c>spdx.schema.json</c> and <c>jsf-0.82.schema.json</c> by relative reference, so the
/// three are registered under their own <c>$id</c>s.
/// </summary>
public static class SbomSchemas
{
    private static readonly Lazy<JsonSchema> SpdxSchema = new(() => Load(Path.Combine("spdx-2.3", "spdx-schema.json")));
    private static readonly Lazy<JsonSchema> CycloneDxSchema = new(() =>
    {
        Load(Path.Combine("cyclonedx-1.6", "spdx.schema.json"));
        Load(Path.Combine("cyclonedx-1.6", "jsf-0.82.schema.json"));
        return Load(Path.Combine("cyclonedx-1.6", "bom-1.6.schema.json"));
    });

    public static JsonSchema Spdx => SpdxSchema.Value;
    public static JsonSchema CycloneDx => CycloneDxSchema.Value;

    /// <summary>Fails the test with every schema error if <paramref name="json"/> does not validate.</summary>
    public static void AssertValid(JsonSchema schema, ReadOnlySpan<byte> json, string what)
    {
        var node = JsonNode.Parse(json.ToArray());
        var result = schema.Evaluate(node, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        if (result.IsValid)
            return;
        var errors = result.Details.Where(d => d.HasErrors)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}")).Take(40);
        Assert.Fail($"{what} does not validate against its schema:\n{string.Join('\n', errors)}");
    }

    private static JsonSchema Load(string relative)
    {
        var schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(Repo.Shared, "schemas", relative)));
        SchemaRegistry.Global.Register(schema);
        return schema;
    }
}
