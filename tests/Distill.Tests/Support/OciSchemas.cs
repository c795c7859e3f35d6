using System.Text.Json.Nodes;
using Json.Schema;

namespace Distill.Tests.Support;

/// <summary>
/// The OCI image-spec JSON schemas from <c>../shared/schemas/oci-image-spec</c>. They are draft-04, which
/// JsonSchema.Net does not read, so on loading (the files stay as they are) each file's <c>id</c> becomes a
/// draft-07 <c>$id</c> named after the file — which is how their relative <c>$ref</c>s name each other — and
/// nested <c>id</c>s, only annotations there, are dropped.
/// </summary>
public static class OciSchemas
{
    private const string Base = "https://opencontainers.org/schema/image/";
    private static readonly Lazy<Dictionary<string, JsonSchema>> Schemas = new(Load);

    public static JsonSchema Manifest => Schemas.Value["image-manifest-schema.json"];
    public static JsonSchema Index => Schemas.Value["image-index-schema.json"];
    public static JsonSchema Config => Schemas.Value["config-schema.json"];
    public static JsonSchema Layout => Schemas.Value["image-layout-schema.json"];
    public static JsonSchema Descriptor => Schemas.Value["content-descriptor.json"];

    /// <summary>Fails the test with every schema error if <paramref name="json"/> does not validate.</summary>
    public static void AssertValid(JsonSchema schema, ReadOnlySpan<byte> json, string what)
    {
        var node = JsonNode.Parse(json.ToArray());
        var result = schema.Evaluate(node, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        if (result.IsValid)
            return;
        var errors = result.Details.Where(d => d.HasErrors)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"));
        Assert.Fail($"{what} does not validate against the OCI schema:\n{string.Join('\n', errors)}\n{System.Text.Encoding.UTF8.GetString(json)}");
    }

    private static Dictionary<string, JsonSchema> Load()
    {
        var dir = Path.Combine(Repo.Shared, "schemas", "oci-image-spec");
        var schemas = new Dictionary<string, JsonSchema>();
        foreach (var file in Directory.GetFiles(dir, "*.json"))
        {
            var name = Path.GetFileName(file);
            var node = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
            DropNestedIds(node);
            node.Remove("id");
            node["$id"] = Base + name;
            node["$schema"] = "http://json-schema.org/draft-07/schema#";
            var schema = JsonSchema.FromText(node.ToJsonString());
            SchemaRegistry.Global.Register(schema);
            schemas[name] = schema;
        }
        return schemas;
    }

    private static void DropNestedIds(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                if (o["id"] is JsonValue)
                    o.Remove("id");
                foreach (var (_, child) in o.ToList())
                    DropNestedIds(child);
                break;
            case JsonArray a:
                foreach (var child in a)
                    DropNestedIds(child);
                break;
        }
    }
}
