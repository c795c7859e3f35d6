namespace Distill.Tests.Support;

/// <summary>What a <see cref="TokenServer"/> knows: users, what each may do, how it signs.</summary>
public sealed record TokenServerOptions
{
    public string Service { get; init; } = "distill-test-registry";

    public string Issuer { get; init; } = "distill-test-token-server";

    /// <summary>User name → password. Basic auth with anything else gets 401.</summary>
    public IReadOnlyDictionary<string, string> Users { get; init; } = new Dictionary<string, string> { ["alice"] = "wonderland" };

    /// <summary>Whether requests without credentials get a token (with what <see cref="Permissions"/> gives <c>null</c>) or 401.</summary>
    public bool AllowAnonymous { get; init; } = true;

    /// <summary>
    /// The actions a user (<c>null</c> = anonymous) may take on a resource (type, name). A token grants the requested
    /// actions that are also in this set ("*" allows every action). Default: every user everything, anonymous "pull".
    /// </summary>
    public Func<string?, string, string, IReadOnlyCollection<string>> Permissions { get; init; } = DefaultPermissions;

    public TokenAlgorithm Algorithm { get; init; } = TokenAlgorithm.ES256;

    public TokenKeyHeader KeyHeader { get; init; } = TokenKeyHeader.KeyId;

    /// <summary>The tokens' lifetime (<c>expires_in</c>); distribution allows 60 s of clock skew past <c>exp</c>.</summary>
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromMinutes(5);

    public static IReadOnlyCollection<string> DefaultPermissions(string? user, string type, string name) =>
        user is null ? ["pull"] : ["*"];
}
