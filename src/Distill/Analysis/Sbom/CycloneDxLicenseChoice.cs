using System.Text.Json.Serialization;

namespace Distill.Analysis.Sbom;

/// <summary>One entry of <c>licenses</c>: a named licence (the database's words; not checked against the SPDX list).</summary>
public sealed record CycloneDxLicenseChoice([property: JsonPropertyName("license")] CycloneDxLicense License);
