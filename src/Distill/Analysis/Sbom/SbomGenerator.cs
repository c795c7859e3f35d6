using System.Text.Encodings.Web;
using System.Text.Json;
using Distill.Analysis.Inventory;
using Distill.Oci;

namespace Distill.Analysis.Sbom;

/// <summary>The facade <c>distill sbom</c> calls: inventory in one streaming pass, then the document as UTF-8 JSON.</summary>
public static class SbomGenerator
{
    /// <summary>purls keep their <c>&amp;</c> and paths stay readable: the output is not embedded in HTML.</summary>
    private static readonly SbomJsonContext Json = new(new JsonSerializerOptions(SbomJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static async Task<(byte[] Document, PackageInventoryResult Inventory)> CreateAsync(IImage image, SbomSubject subject, SbomFormat format, CancellationToken ct)
    {
        var inventory = await PackageInventory.ScanAsync(image, ct);
        return (Write(subject, inventory, format), inventory);
    }

    /// <summary>The document for an inventory already taken; ends with a newline.</summary>
    public static byte[] Write(SbomSubject subject, PackageInventoryResult inventory, SbomFormat format)
    {
        var json = format switch
        {
            SbomFormat.SpdxJson => JsonSerializer.SerializeToUtf8Bytes(SpdxBuilder.Build(subject, inventory), Json.SpdxDocument),
            SbomFormat.CycloneDxJson => JsonSerializer.SerializeToUtf8Bytes(CycloneDxBuilder.Build(subject, inventory), Json.CycloneDxBom),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
        };
        return [.. json, (byte)'\n'];
    }
}
