using System.Globalization;
using Distill.Analysis.Inventory;
using Distill.Oci;

namespace Distill.Analysis.Sbom;

/// <summary>
/// The image an SBOM describes and what makes the document reproducible: the same image and tool version give the
/// same bytes (namespace, serial number and identifiers derive from the manifest digest; the creation time from
/// <c>SOURCE_DATE_EPOCH</c>, else the image's own <c>created</c>, else the Unix epoch — never the clock).
/// </summary>
public sealed record SbomSubject(string Name, Digest ManifestDigest, DateTimeOffset Created, string ToolVersion)
{
    /// <summary><c>docker.io/library/debian</c> for registry and store images; null for layouts and archives.</summary>
    public string? RepositoryUrl { get; init; }

    public string? Tag { get; init; }

    /// <summary><c>linux/amd64</c>.</summary>
    public string? Platform { get; init; }

    /// <summary><c>NAME[:TAG]</c>: the document's name.</summary>
    public string DisplayName => Tag is null ? Name : $"{Name}:{Tag}";

    /// <summary>The image's package URL: <c>pkg:oci/NAME@sha256:…?repository_url=…&amp;tag=…</c>.</summary>
    public string Purl => PackageUrl.Oci(Name, ManifestDigest.ToString(), RepositoryUrl, Tag);

    public static SbomSubject From(ImageReference reference, IImage image, string toolVersion, long? sourceDateEpoch)
    {
        var (name, repository, tag) = reference switch
        {
            RegistryReference r => (Last(r.Name.Repository), r.Name.Name, r.Name.Tag),
            StoreReference s => (Last(s.Name.Repository), s.Name.Name, s.Name.Tag),
            DockerArchiveReference { Name: { } n } => (Last(n.Repository), n.Name, n.Tag),
            DockerArchiveReference d => (FileName(d.File), null, null),
            OciArchiveReference a => (FileName(a.File), null, a.Tag),
            OciLayoutReference l => (Last(Path.GetFullPath(l.Directory).TrimEnd('/')), null, l.Tag),
            _ => ("image", null, null),
        };
        return new SbomSubject(name, image.ManifestDescriptor.Digest, CreatedAt(image, sourceDateEpoch), toolVersion)
        {
            RepositoryUrl = repository,
            Tag = tag,
            Platform = image.Config.Platform.ToString(),
        };
    }

    private static DateTimeOffset CreatedAt(IImage image, long? sourceDateEpoch)
    {
        if (sourceDateEpoch is { } epoch)
            return DateTimeOffset.FromUnixTimeSeconds(epoch);
        if (image.Config.Created is { } created && DateTimeOffset.TryParse(created, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            return parsed.ToUniversalTime();
        return DateTimeOffset.UnixEpoch;
    }

    private static string Last(string path) => path[(path.LastIndexOf('/') + 1)..] is { Length: > 0 } last ? last : "image";

    private static string FileName(string file)
    {
        var name = Path.GetFileName(file);
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 ? name[..dot] : name.Length > 0 ? name : "image";
    }
}
