using Distill.Analysis.Inventory;

namespace Distill.Analysis.Sbom;

/// <summary>
/// An SPDX 2.3 document for an image: the image as a <c>CONTAINER</c> package the document <c>DESCRIBES</c>, which
/// <c>CONTAINS</c> every package found; a Go binary's main module <c>DEPENDS_ON</c> its modules and stdlib. Each
/// package carries its purl as a <c>PACKAGE-MANAGER</c> external reference. Licences: SPDX wants expressions of
/// listed identifiers, which the databases do not promise, so <c>licenseDeclared</c> stays <c>NOASSERTION</c> and
/// the database's words go to <c>licenseComments</c>.
/// </summary>
public static class SpdxBuilder
{
    public static SpdxDocument Build(SbomSubject subject, PackageInventoryResult inventory)
    {
        var imageId = "SPDXRef-Image-" + SbomIds.Sanitize(subject.Name);
        var packages = new List<SpdxPackage>
        {
            new(imageId, subject.DisplayName)
            {
                VersionInfo = subject.ManifestDigest.ToString(),
                Checksums = subject.ManifestDigest.Algorithm == "sha256" ? [new SpdxChecksum("SHA256", subject.ManifestDigest.Encoded)] : null,
                ExternalRefs = [Purl(subject.Purl)],
                PrimaryPackagePurpose = "CONTAINER",
                Comment = subject.Platform is null ? null : $"platform {subject.Platform}" + (inventory.OperatingSystem?.PrettyName is { } os ? $", {os}" : ""),
            },
        };
        var relationships = new List<SpdxRelationship> { new("SPDXRef-DOCUMENT", "DESCRIBES", imageId) };
        var ids = inventory.Packages.ToDictionary(p => p, p => "SPDXRef-Package-" + SbomIds.Package(p));
        foreach (var package in inventory.Packages)
        {
            packages.Add(new SpdxPackage(ids[package], package.Name)
            {
                VersionInfo = package.Version,
                SourceInfo = SourceInfo(package),
                LicenseComments = package.Licenses.Count > 0 ? "declared in the package database: " + string.Join("; ", package.Licenses) : null,
                ExternalRefs = [Purl(package.Purl)],
                PrimaryPackagePurpose = package.IsApplication ? "APPLICATION" : package.Type is PackageType.Golang or PackageType.Nuget ? "LIBRARY" : null,
            });
            relationships.Add(new SpdxRelationship(imageId, "CONTAINS", ids[package]));
        }
        foreach (var main in inventory.Packages.Where(p => p.IsApplication))
        {
            foreach (var dep in inventory.Packages.Where(p => p.Type == PackageType.Golang && !p.IsApplication && p.Locations.SequenceEqual(main.Locations)))
                relationships.Add(new SpdxRelationship(ids[main], "DEPENDS_ON", ids[dep]));
        }
        return new SpdxDocument(
            "SPDX-2.3", "CC0-1.0", "SPDXRef-DOCUMENT", subject.DisplayName,
            $"https://distill.dev/spdx/{subject.ManifestDigest.Algorithm}/{subject.ManifestDigest.Encoded}",
            new SpdxCreationInfo(SbomIds.Timestamp(subject.Created), ["Tool: distill-" + subject.ToolVersion]),
            packages, relationships);
    }

    private static SpdxExternalRef Purl(string purl) => new("PACKAGE-MANAGER", "purl", purl);

    private static string SourceInfo(Package package)
    {
        var where = package.Type == PackageType.Golang
            ? $"Go build info of {string.Join(", ", package.Locations)}" + (package.GoVersion is { } go ? $" ({go})" : "")
            : $"{string.Join(", ", package.Locations)}";
        var source = package.SourceName is null && package.SourceVersion is null ? "" : $"; built from source package {package.SourceName ?? package.Name} {package.SourceVersion ?? package.Version}";
        return "from " + where + source;
    }
}
