using System.Text.Json;

namespace Distill.Analysis.Inventory;

/// <summary>
/// A .NET application's <c>NAME.deps.json</c> (written by the SDK, read by the host): its <c>libraries</c> object maps
/// <c>NAME/VERSION</c> to a type; <c>package</c> entries are NuGet packages (<c>project</c> and <c>reference</c> ones
/// are the app's own code). Read with <see cref="JsonDocument"/>: no reflection, safe for Native AOT.
/// </summary>
public static class DotNetDeps
{
    public static bool IsDepsFile(string path) => path.EndsWith(".deps.json", StringComparison.Ordinal);

    public static IReadOnlyList<(string Name, string Version)> Parse(ReadOnlyMemory<byte> json, string location, ICollection<string> problems)
    {
        var packages = new List<(string, string)>();
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("libraries", out var libraries) || libraries.ValueKind != JsonValueKind.Object)
                return packages;
            foreach (var library in libraries.EnumerateObject())
            {
                if (library.Value.ValueKind != JsonValueKind.Object || !library.Value.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "package")
                    continue;
                var slash = library.Name.IndexOf('/', StringComparison.Ordinal);
                if (slash <= 0 || slash == library.Name.Length - 1)
                {
                    problems.Add($"{location}: library \"{library.Name}\" is not NAME/VERSION");
                    continue;
                }
                packages.Add((library.Name[..slash], library.Name[(slash + 1)..]));
            }
        }
        catch (JsonException e)
        {
            problems.Add($"{location}: not valid JSON: {e.Message}");
        }
        return packages;
    }
}
