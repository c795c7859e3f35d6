using System.Text;

namespace Distill.Analysis.Inventory;

/// <summary>
/// Builds canonical package URLs (<see href="https://github.com/package-url/purl-spec">purl-spec</see>,
/// <c>docs/how-to-build.md</c> and <c>docs/standard/characters-and-encoding.md</c>): components are UTF-8 and
/// percent-encoded except for <c>A-Z a-z 0-9 . - _ ~</c> and the colon, which is never encoded (so a Debian epoch
/// stays <c>1:2.4.47-2%2Bb1</c>, as the spec's own deb tests expect); qualifiers with empty values are dropped, keys
/// lowercased and pairs sorted. Written here because no purl library is served for .NET; the builder is ~60 lines.
/// </summary>
public static class PackageUrl
{
    /// <summary><c>pkg:TYPE/NAMESPACE/NAME@VERSION?QUALIFIERS#SUBPATH</c>; null or empty parts are left out.</summary>
    public static string Build(string type, string? ns, string name, string? version, IEnumerable<KeyValuePair<string, string?>>? qualifiers = null, string? subpath = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var purl = new StringBuilder("pkg:").Append(type.ToLowerInvariant()).Append('/');
        if (Segments(ns) is { Count: > 0 } segments)
            purl.AppendJoin('/', segments.Select(Encode)).Append('/');
        purl.Append(Encode(name.Trim('/')));
        if (!string.IsNullOrEmpty(version))
            purl.Append('@').Append(Encode(version));
        var pairs = (qualifiers ?? [])
            .Where(q => !string.IsNullOrEmpty(q.Value))
            .Select(q => q.Key.ToLowerInvariant() + "=" + Encode(q.Value!))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (pairs.Count > 0)
            purl.Append('?').AppendJoin('&', pairs);
        if (Segments(subpath)?.Where(s => s is not ("." or "..")).ToList() is { Count: > 0 } sub)
            purl.Append('#').AppendJoin('/', sub.Select(Encode));
        return purl.ToString();
    }

    /// <summary><c>pkg:deb/VENDOR/NAME@VERSION?arch=ARCH&amp;distro=ID-VERSION_ID</c> (vendor and name lowercased).</summary>
    public static string Deb(string vendor, string name, string version, string? arch, string? distro) =>
        Build("deb", vendor.ToLowerInvariant(), name.ToLowerInvariant(), version, [new("arch", arch), new("distro", distro)]);

    /// <summary><c>pkg:apk/VENDOR/NAME@VERSION?arch=ARCH&amp;distro=…</c> (vendor and name lowercased).</summary>
    public static string Apk(string vendor, string name, string version, string? arch, string? distro) =>
        Build("apk", vendor.ToLowerInvariant(), name.ToLowerInvariant(), version, [new("arch", arch), new("distro", distro)]);

    /// <summary>
    /// <c>pkg:golang/MODULE@VERSION</c>: the module path is split at its last slash into namespace and name, both
    /// lowercased (the golang type is case-insensitive); <c>(devel)</c> is no version and is left out.
    /// </summary>
    public static string Golang(string module, string? version)
    {
        var path = module.Trim('/').ToLowerInvariant();
        var slash = path.LastIndexOf('/');
        return Build("golang", slash < 0 ? null : path[..slash], slash < 0 ? path : path[(slash + 1)..], version == GoModule.DevelVersion ? null : version);
    }

    /// <summary><c>pkg:nuget/NAME@VERSION</c> (NuGet ids keep their case).</summary>
    public static string Nuget(string name, string version) => Build("nuget", null, name, version);

    /// <summary><c>pkg:oci/NAME@DIGEST?repository_url=…&amp;tag=…</c>: an image, by manifest digest (name lowercased).</summary>
    public static string Oci(string name, string digest, string? repositoryUrl, string? tag) =>
        Build("oci", null, name.ToLowerInvariant(), digest, [new("repository_url", repositoryUrl), new("tag", tag)]);

    /// <summary>Percent-encodes a component: everything but <c>A-Z a-z 0-9 . - _ ~ :</c>, as UTF-8 octets.</summary>
    public static string Encode(string component)
    {
        var encoded = new StringBuilder(component.Length);
        foreach (var b in Encoding.UTF8.GetBytes(component))
        {
            if (b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9') or (byte)'.' or (byte)'-' or (byte)'_' or (byte)'~' or (byte)':')
                encoded.Append((char)b);
            else
                encoded.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return encoded.ToString();
    }

    private static List<string>? Segments(string? path) =>
        string.IsNullOrEmpty(path) ? null : path.Split('/', StringSplitOptions.RemoveEmptyEntries).ToList();
}
