using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Distill.Oci;

/// <summary>
/// Serialises OCI documents compactly and parses them with errors that name the document.
/// Documents read from anywhere keep their exact bytes elsewhere; these bytes are only for documents Distill makes.
/// </summary>
public static class OciJson
{
    /// <summary>
    /// The context Distill writes with: source-generated, and escaping only what JSON requires, so media types read
    /// <c>+json</c> rather than <c>\u002Bjson</c> as other tools write them.
    /// </summary>
    internal static OciJsonContext Writing { get; } = new(new JsonSerializerOptions
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    });

    public static byte[] Serialize(ImageManifest value) => JsonSerializer.SerializeToUtf8Bytes(value, Writing.ImageManifest);
    public static byte[] Serialize(ImageIndex value) => JsonSerializer.SerializeToUtf8Bytes(value, Writing.ImageIndex);
    public static byte[] Serialize(ImageConfig value) => JsonSerializer.SerializeToUtf8Bytes(value, Writing.ImageConfig);

    public static ImageManifest ParseManifest(ReadOnlySpan<byte> json, string what) => Parse(json, OciJsonContext.Default.ImageManifest, what);
    public static ImageIndex ParseIndex(ReadOnlySpan<byte> json, string what) => Parse(json, OciJsonContext.Default.ImageIndex, what);
    public static ImageConfig ParseConfig(ReadOnlySpan<byte> json, string what) => Parse(json, OciJsonContext.Default.ImageConfig, what);

    /// <summary>The media type a manifest-or-index document declares, or infers from its shape when it declares none.</summary>
    public static string DetectManifestMediaType(ReadOnlySpan<byte> json, string what)
    {
        var probe = Parse(json, OciJsonContext.Default.MediaTypeProbe, what);
        if (!string.IsNullOrEmpty(probe.MediaType))
            return probe.MediaType;
        if (probe.Manifests is not null)
            return MediaTypes.OciIndex;
        if (probe.Config is not null)
            return MediaTypes.OciManifest;
        throw new InvalidImageException($"{what}: neither a manifest nor an index");
    }

    internal static T Parse<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> type, string what)
    {
        try
        {
            return JsonSerializer.Deserialize(json, type) ?? throw new InvalidImageException($"{what}: empty JSON document");
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" (line {line + 1})" : "";
            throw new InvalidImageException($"{what}: malformed JSON{where}: {FirstSentence(e.Message)}");
        }
    }

    private static string FirstSentence(string message)
    {
        var i = message.IndexOf(". Path:", StringComparison.Ordinal);
        return i > 0 ? message[..i] : message.Split('\n')[0];
    }
}
