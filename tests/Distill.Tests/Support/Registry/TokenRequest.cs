namespace Distill.Tests.Support;

/// <summary>
/// One request a <see cref="TokenServer"/> answered: who asked (<c>null</c> = anonymous), for which scopes (as sent),
/// how (<c>GET</c>, or <c>POST</c> with an OAuth2 grant type), and the HTTP status it got.
/// </summary>
public sealed record TokenRequest(string Method, string? GrantType, string? User, string? Service, IReadOnlyList<string> Scopes, int Status,
    IReadOnlyList<TokenScope> Granted);
