using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Distill.Tests.Support;

/// <summary>
/// A Docker token authentication server (distribution's "token authentication specification") on 127.0.0.1:
/// <c>GET /token?service=S&amp;scope=repository:NAME:pull,push</c> with Basic auth or anonymously, and the OAuth2 form
/// <c>POST /token</c> (<c>grant_type=password</c> or <c>refresh_token</c>). It answers
/// <c>{"token", "access_token", "expires_in", "issued_at"[, "refresh_token"]}</c> with a JWT signed by the key of
/// <see cref="CertificatePem"/> (the registry's rootcertbundle) granting what <see cref="TokenServerOptions.Permissions"/>
/// allows; wrong credentials get 401. Every request is recorded (<see cref="Requests"/>) so tests can assert caching.
/// </summary>
public sealed class TokenServer : IAsyncDisposable
{
    private readonly TokenServerOptions _options;
    private readonly TokenSigningKey _key;
    private readonly ConcurrentQueue<TokenRequest> _requests = new();
    private readonly ConcurrentDictionary<string, string> _refreshTokens = new(StringComparer.Ordinal);
    private LoopbackWebServer? _server;

    private TokenServer(TokenServerOptions options)
    {
        _options = options;
        _key = TokenSigningKey.Create(options.Algorithm);
    }

    /// <summary>The token endpoint, <c>http://127.0.0.1:PORT/token</c>: the registry's <c>auth.token.realm</c>.</summary>
    public Uri Realm => new(_server!.Url, "/token");

    public string Service => _options.Service;

    public string Issuer => _options.Issuer;

    public IReadOnlyDictionary<string, string> Users => _options.Users;

    /// <summary>The self-signed certificate of the signing key (PEM): the registry's <c>auth.token.rootcertbundle</c>.</summary>
    public string CertificatePem => _key.CertificatePem;

    /// <summary>The libtrust key ID of the signing key (the <c>kid</c> header in <see cref="TokenKeyHeader.KeyId"/> mode).</summary>
    public string KeyId => _key.KeyId;

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<TokenRequest> Requests => [.. _requests];

    /// <summary>Tokens issued so far (requests answered 200).</summary>
    public int TokensIssued => _requests.Count(r => r.Status == 200);

    /// <summary>How many requests asked for exactly this scope (as sent, e.g. <c>repository:app:pull,push</c>).</summary>
    public int CountFor(string scope) => _requests.Count(r => r.Scopes.Contains(scope, StringComparer.Ordinal));

    public static async Task<TokenServer> StartAsync(TokenServerOptions? options = null, CancellationToken ct = default)
    {
        var server = new TokenServer(options ?? new TokenServerOptions());
        server._server = await LoopbackWebServer.StartAsync(server.HandleAsync, ct);
        return server;
    }

    /// <summary>Issues a token directly (no HTTP), e.g. to hand a client a token the registry accepts, or to build a bad one.</summary>
    public string CreateToken(string? user, IEnumerable<TokenScope> access, TimeSpan? lifetime = null, string? audience = null, string? issuer = null)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = new JsonObject { ["typ"] = "JWT", ["alg"] = _key.Algorithm.ToString() };
        if (_options.KeyHeader == TokenKeyHeader.KeyId)
            header["kid"] = _key.KeyId;
        else
            header["x5c"] = new JsonArray(Convert.ToBase64String(_key.Certificate.RawData));
        var accessArray = new JsonArray();
        foreach (var scope in access)
            accessArray.Add(new JsonObject { ["type"] = scope.Type, ["name"] = scope.Name, ["actions"] = new JsonArray([.. scope.Actions.Select(a => (JsonNode)a)]) });
        var claims = new JsonObject
        {
            ["iss"] = issuer ?? _options.Issuer,
            ["sub"] = user ?? "",
            ["aud"] = audience ?? _options.Service,
            ["exp"] = now + (long)(lifetime ?? _options.Lifetime).TotalSeconds,
            ["nbf"] = now - 1,
            ["iat"] = now,
            ["jti"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)),
            ["access"] = accessArray,
        };
        var signingInput = Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        return signingInput + "." + Base64Url(_key.Sign(Encoding.ASCII.GetBytes(signingInput)));
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
        _key.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.Path != "/token" || (request.Method != "GET" && request.Method != "POST"))
        {
            context.Response.StatusCode = 404;
            return;
        }
        string? grantType = null, user = null, password = null, service, refreshToken = null;
        List<string> scopes;
        bool offline, authenticated;
        if (request.Method == "GET")
        {
            service = request.Query["service"];
            scopes = [.. request.Query["scope"].SelectMany(s => (s ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))];
            offline = string.Equals(request.Query["offline_token"], "true", StringComparison.OrdinalIgnoreCase);
            var basic = ParseBasic(request.Headers.Authorization);
            if (basic is { } b)
            {
                (user, password) = b;
                authenticated = Check(user, password);
            }
            else
            {
                authenticated = _options.AllowAnonymous;
            }
        }
        else
        {
            var form = await request.ReadFormAsync(context.RequestAborted);
            grantType = form["grant_type"];
            service = form["service"];
            scopes = [.. ((string?)form["scope"] ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)];
            offline = form["access_type"] == "offline";
            switch (grantType)
            {
                case "password":
                    user = form["username"];
                    password = form["password"];
                    authenticated = user is not null && Check(user, password);
                    break;
                case "refresh_token":
                    refreshToken = form["refresh_token"];
                    authenticated = refreshToken is not null && _refreshTokens.TryGetValue(refreshToken, out user);
                    break;
                default:
                    Record(400, request.Method, grantType, user, service, scopes, []);
                    await WriteErrorAsync(context, 400, "unsupported_grant_type", $"grant_type {grantType} is not supported");
                    return;
            }
        }

        if (!authenticated)
        {
            Record(401, request.Method, grantType, user, service, scopes, []);
            context.Response.Headers.WWWAuthenticate = $"Basic realm=\"{_options.Service}\"";
            await WriteErrorAsync(context, 401, "UNAUTHORIZED", "authentication required");
            return;
        }
        if (service is not null && service != _options.Service)
        {
            Record(400, request.Method, grantType, user, service, scopes, []);
            await WriteErrorAsync(context, 400, "invalid_request", $"unknown service {service}");
            return;
        }

        var granted = Grant(user, scopes);
        var token = CreateToken(user, granted);
        var response = new JsonObject
        {
            ["token"] = token,
            ["access_token"] = token,
            ["expires_in"] = (long)_options.Lifetime.TotalSeconds,
            ["issued_at"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
        };
        if (request.Method == "POST")
            response["scope"] = string.Join(' ', scopes);
        if (offline && user is not null)
        {
            var refresh = refreshToken ?? Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
            _refreshTokens[refresh] = user;
            response["refresh_token"] = refresh;
        }
        Record(200, request.Method, grantType, user, service, scopes, granted);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(response.ToJsonString(), context.RequestAborted);
    }

    private bool Check(string user, string? password) =>
        _options.Users.TryGetValue(user, out var expected) && string.Equals(expected, password, StringComparison.Ordinal);

    private List<TokenScope> Grant(string? user, IEnumerable<string> scopes)
    {
        var granted = new List<TokenScope>();
        foreach (var text in scopes)
        {
            if (TokenScope.TryParse(text) is not { } scope)
                continue;
            var allowed = _options.Permissions(user, scope.Type, scope.Name);
            var actions = scope.Actions.Where(a => allowed.Contains("*") || allowed.Contains(a)).Distinct().ToList();
            var existing = granted.FindIndex(g => g.Type == scope.Type && g.Name == scope.Name);
            if (existing >= 0)
                granted[existing] = granted[existing] with { Actions = [.. granted[existing].Actions.Union(actions)] };
            else if (actions.Count > 0)
                granted.Add(scope with { Actions = actions });
        }
        return granted;
    }

    private void Record(int status, string method, string? grantType, string? user, string? service, List<string> scopes, List<TokenScope> granted) =>
        _requests.Enqueue(new TokenRequest(method, grantType, user, service, scopes, status, granted));

    private static (string User, string Password)? ParseBasic(string? header)
    {
        if (header is null || !header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
            return null;
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? (text, "") : (text[..colon], text[(colon + 1)..]);
        }
        catch (FormatException)
        {
            return ("", "");
        }
    }

    private static async Task WriteErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var body = new JsonObject { ["errors"] = new JsonArray(new JsonObject { ["code"] = code, ["message"] = message }) };
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    private static string Base64Url(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
