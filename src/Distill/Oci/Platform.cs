using System.Text.Json.Serialization;

namespace Distill.Oci;

/// <summary>
/// The platform an image runs on (<see href="https://github.com/opencontainers/image-spec/blob/main/image-index.md">image-index.md</see>, <c>platform</c>).
/// Parsed from <c>os/arch[/variant]</c> like <c>docker --platform</c>.
/// </summary>
public sealed record Platform
{
    [JsonPropertyName("architecture")] public required string Architecture { get; init; }
    [JsonPropertyName("os")] public required string Os { get; init; }
    [JsonPropertyName("os.version")] public string? OsVersion { get; init; }
    [JsonPropertyName("os.features")] public IReadOnlyList<string>? OsFeatures { get; init; }
    [JsonPropertyName("variant")] public string? Variant { get; init; }

    public static Platform LinuxAmd64 { get; } = new() { Os = "linux", Architecture = "amd64" };

    /// <summary>Parses <c>linux/amd64</c>, <c>linux/arm64/v8</c>, <c>linux/arm/v7</c>.</summary>
    public static Platform Parse(string value)
    {
        var parts = value.Split('/');
        if (parts.Length is < 2 or > 3 || parts.Any(string.IsNullOrWhiteSpace))
            throw new FormatException($"invalid platform \"{value}\": expected os/arch[/variant]");
        var arch = NormalizeArchitecture(parts[1].ToLowerInvariant());
        var variant = parts.Length == 3 ? parts[2].ToLowerInvariant() : null;
        if (arch == "arm64" && variant == "v8")
            variant = null; // containerd's normalisation: arm64/v8 is arm64
        return new Platform { Os = parts[0].ToLowerInvariant(), Architecture = arch, Variant = variant };
    }

    private static string NormalizeArchitecture(string arch) => arch switch
    {
        "x86_64" or "x86-64" => "amd64",
        "aarch64" => "arm64",
        "i386" or "i686" => "386",
        _ => arch,
    };

    /// <summary>True when an image of platform <paramref name="candidate"/> satisfies this requested platform.</summary>
    public bool Matches(Platform candidate) =>
        Os == candidate.Os && Architecture == candidate.Architecture &&
        (Variant is null || Variant == candidate.Variant || (Architecture == "arm64" && Variant == "v8" && candidate.Variant is null));

    public override string ToString() => Variant is null ? $"{Os}/{Architecture}" : $"{Os}/{Architecture}/{Variant}";
}
