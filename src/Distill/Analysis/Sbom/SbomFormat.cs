namespace Distill.Analysis.Sbom;

public enum SbomFormat
{
    /// <summary>SPDX 2.3 JSON (<see href="https://spdx.github.io/spdx-spec/v2.3/">spec</see>).</summary>
    SpdxJson,

    /// <summary>CycloneDX 1.6 JSON (<see href="https://cyclonedx.org/docs/1.6/json/">spec</see>).</summary>
    CycloneDxJson,
}
