using System.Text.Json.Serialization;

namespace Distill.Registry;

/// <summary>A token endpoint's answer: <c>token</c> or <c>access_token</c>, lifetime, optional refresh token.</summary>
public sealed record TokenResponse
{
    [JsonPropertyName("token")] public string? Token { get; init; }
    [JsonPropertyName("access_token")] public string? AccessToken { get; init; }
    [JsonPropertyName("expires_in")] public int? ExpiresIn { get; init; }
    [JsonPropertyName("refresh_token")] public string? RefreshToken { get; init; }
}

/// <summary>The distribution spec's error body: <c>{"errors":[{"code","message","detail"}]}</c>.</summary>
public sealed record RegistryErrors
{
    [JsonPropertyName("errors")] public IReadOnlyList<RegistryError>? Errors { get; init; }
}

public sealed record RegistryError
{
    [JsonPropertyName("code")] public string? Code { get; init; }
    [JsonPropertyName("message")] public string? Message { get; init; }
}

[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(RegistryErrors))]
internal sealed partial class RegistryJsonContext : JsonSerializerContext;
