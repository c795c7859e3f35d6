using System.Security.Cryptography;
using System.Text;
using Distill.Analysis.Inventory;

namespace Distill.Analysis.Sbom;

/// <summary>Identifiers that depend only on content, so two runs over one image write the same bytes.</summary>
internal static class SbomIds
{
    /// <summary>
    /// <c>deb-libc6-1f2e3d4c5b6a7988</c>: type, name (SPDX ID characters only) and 16 hex of the SHA-256 of the
    /// package URL and locations — unique, since the inventory never repeats a (purl, locations) pair.
    /// </summary>
    public static string Package(Package package)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(package.Purl + "\n" + string.Join('\n', package.Locations))))[..16];
        return $"{package.Type.PurlType()}-{Sanitize(package.Name)}-{hash}";
    }

    /// <summary>Letters, digits, <c>.</c> and <c>-</c> (SPDX 2.3's <c>SPDXRef-[idstring]</c>); anything else becomes <c>-</c>.</summary>
    public static string Sanitize(string value)
    {
        var text = new StringBuilder(value.Length);
        foreach (var c in value)
            text.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '-');
        return text.ToString();
    }

    /// <summary>An RFC 4122 version-5 (name-based, SHA-1) UUID of <paramref name="name"/> in the URL namespace.</summary>
    public static string UuidV5(string name)
    {
        byte[] urlNamespace = [0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8];
#pragma warning disable CA5350 // SHA-1 is what RFC 4122 version 5 is defined with; this is an identifier, not security
        var hash = SHA1.HashData([.. urlNamespace, .. Encoding.UTF8.GetBytes(name)]);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0f) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3f) | 0x80);
        var hex = Convert.ToHexStringLower(hash, 0, 16);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..32]}";
    }

    /// <summary>ISO 8601 UTC to the second, as both formats want it.</summary>
    public static string Timestamp(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
