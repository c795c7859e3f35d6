using Distill.Analysis.Inventory;

namespace Distill.Analysis.Sbom;

/// <summary>
/// A CycloneDX 1.6 BOM for an image: the image is <c>metadata.component</c> (type <c>container</c>), each package a
/// component (<c>application</c> for a Go binary's main module, else <c>library</c>) with its purl, licences as the
/// database names them, and <c>distill:*</c> properties (location, architecture, source package, Go main module and
/// version). Dependencies: the image on every component, a Go main module on its modules and stdlib.
/// </summary>
public static class CycloneDxBuilder
{
    public static CycloneDxBom Build(SbomSubject subject, PackageInventoryResult inventory)
    {
        var imageRef = subject.Purl;
        var image = new CycloneDxComponent("container", subject.Name)
        {
            BomRef = imageRef,
            Version = subject.ManifestDigest.ToString(),
            Hashes = subject.ManifestDigest.Algorithm == "sha256" ? [new CycloneDxHash("SHA-256", subject.ManifestDigest.Encoded)] : null,
            Purl = subject.Purl,
            Properties = subject.Platform is null ? null : [new CycloneDxProperty("distill:platform", subject.Platform)],
        };
        var refs = inventory.Packages.ToDictionary(p => p, SbomIds.Package);
        var components = inventory.Packages.Select(p => new CycloneDxComponent(p.IsApplication ? "application" : "library", p.Name)
        {
            BomRef = refs[p],
            Version = p.Version,
            Licenses = p.Licenses.Count > 0 ? p.Licenses.Select(l => new CycloneDxLicenseChoice(new CycloneDxLicense(l))).ToList() : null,
            Purl = p.Purl,
            Properties = Properties(p),
        }).ToList();
        var dependencies = new List<CycloneDxDependency> { new(imageRef, [.. inventory.Packages.Select(p => refs[p])]) };
        foreach (var main in inventory.Packages.Where(p => p.IsApplication))
        {
            dependencies.Add(new CycloneDxDependency(refs[main], [.. inventory.Packages
                .Where(p => p.Type == PackageType.Golang && !p.IsApplication && p.Locations.SequenceEqual(main.Locations))
                .Select(p => refs[p])]));
        }
        var tool = new CycloneDxComponent("application", "distill") { Version = subject.ToolVersion };
        return new CycloneDxBom("CycloneDX", "1.6", "urn:uuid:" + SbomIds.UuidV5("https://distill.dev/cyclonedx/" + subject.ManifestDigest),
            1, new CycloneDxMetadata(SbomIds.Timestamp(subject.Created), new CycloneDxTools([tool]), image), components, dependencies);
    }

    private static List<CycloneDxProperty> Properties(Package p)
    {
        var properties = p.Locations.Select(l => new CycloneDxProperty("distill:location", l)).ToList();
        if (p.Architecture is { } arch)
            properties.Add(new CycloneDxProperty("distill:architecture", arch));
        if (p.SourceName is not null || p.SourceVersion is not null)
            properties.Add(new CycloneDxProperty("distill:source", $"{p.SourceName ?? p.Name} {p.SourceVersion ?? p.Version}"));
        if (p.GoMainModule is { } main)
            properties.Add(new CycloneDxProperty("distill:go:mainModule", main));
        if (p.GoVersion is { } go)
            properties.Add(new CycloneDxProperty("distill:go:version", go));
        return properties;
    }
}
