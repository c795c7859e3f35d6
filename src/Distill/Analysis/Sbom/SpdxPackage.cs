using System.Text.Json.Serialization;

namespace Distill.Analysis.Sbom;

/// <summary>An SPDX 2.3 package (<see href="https://spdx.github.io/spdx-spec/v2.3/package-information/">clause 7</see>); files are not analysed.</summary>
public sealed record SpdxPackage(
    [property: JsonPropertyName("SPDXID")] string SpdxId,
    [property: JsonPropertyName("name")] string Name)
{
    [JsonPropertyName("versionInfo")] public string? VersionInfo { get; init; }
    [JsonPropertyName("supplier")] public string? Supplier { get; init; }
    [JsonPropertyName("downloadLocation")] public string DownloadLocation { get; init; } = "NOASSERTION";
    [JsonPropertyName("filesAnalyzed")] public bool FilesAnalyzed { get; init; }
    [JsonPropertyName("checksums")] public IReadOnlyList<SpdxChecksum>? Checksums { get; init; }
    [JsonPropertyName("sourceInfo")] public string? SourceInfo { get; init; }
    [JsonPropertyName("licenseConcluded")] public string LicenseConcluded { get; init; } = "NOASSERTION";
    [JsonPropertyName("licenseDeclared")] public string LicenseDeclared { get; init; } = "NOASSERTION";
    [JsonPropertyName("licenseComments")] public string? LicenseComments { get; init; }
    [JsonPropertyName("copyrightText")] public string CopyrightText { get; init; } = "NOASSERTION";
    [JsonPropertyName("comment")] public string? Comment { get; init; }
    [JsonPropertyName("externalRefs")] public IReadOnlyList<SpdxExternalRef>? ExternalRefs { get; init; }
    [JsonPropertyName("primaryPackagePurpose")] public string? PrimaryPackagePurpose { get; init; }
}
