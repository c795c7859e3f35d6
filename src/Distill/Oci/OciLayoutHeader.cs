using System.Text.Json.Serialization;

namespace Distill.Oci;

/// <summary>The <c>oci-layout</c> file of an image layout (<see href="https://github.com/opencontainers/image-spec/blob/main/image-layout.md">image-layout.md</see>).</summary>
public sealed record OciLayoutHeader
{
    [JsonPropertyName("imageLayoutVersion")] public required string ImageLayoutVersion { get; init; }
}
