using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Distill.Tests.Support;

namespace Distill.Tests.Registry.Infrastructure;

/// <summary>The token server speaks the Docker token protocol and signs tokens distribution 2.8 accepts.</summary>
public sealed partial class TokenServerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TokenAlgorithm.ES256, TokenKeyHeader.KeyId)]
    [InlineData(TokenAlgorithm.RS256, TokenKeyHeader.KeyId)]
    [InlineData(TokenAlgorithm.ES256, TokenKeyHeader.X5c)]
    [InlineData(TokenAlgorithm.RS256, TokenKeyHeader.X5c)]
    public async Task The_registry_accepts_its_tokens_and_rejects_tokens_for_another_audience_or_issuer(TokenAlgorithm algorithm, TokenKeyHeader keyHeader)
    {
        await using var tokens = await TokenServer.StartAsync(new TokenServerOptions { Algorithm = algorithm, KeyHeader = keyHeader }, Ct);
        await using var registry = await RegistryServer.StartAsync(new RegistryServerOptions { Auth = RegistryAuth.Token, TokenServer = tokens }, Ct);
        Assert.Matches(LibtrustKeyId(), tokens.KeyId);
        using var http = registry.CreateHttpClient();

        using var challenge = await http.GetAsync(new Uri("/v2/", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, challenge.StatusCode);
        var bearer = challenge.Headers.WwwAuthenticate.Single();
        Assert.Equal("Bearer", bearer.Scheme);
        Assert.Contains($"realm=\"{tokens.Realm}\"", bearer.Parameter, StringComparison.Ordinal);
        Assert.Contains($"service=\"{tokens.Service}\"", bearer.Parameter, StringComparison.Ordinal);

        var response = await GetTokenAsync(tokens, "repository:some/repo:pull", ("alice", "wonderland"));
        var token = (string)response["token"]!;
        Assert.Equal(token, (string)response["access_token"]!);
        Assert.Equal(300, (int)response["expires_in"]!);
        Assert.True(DateTimeOffset.TryParse((string)response["issued_at"]!, System.Globalization.CultureInfo.InvariantCulture, out _));
        var (header, claims) = Decode(token);
        Assert.Equal(algorithm.ToString(), (string)header["alg"]!);
        if (keyHeader == TokenKeyHeader.KeyId)
            Assert.Equal(tokens.KeyId, (string)header["kid"]!);
        else
            Assert.Single(header["x5c"]!.AsArray());
        Assert.Equal("alice", (string)claims["sub"]!);
        Assert.Equal(tokens.Service, (string)claims["aud"]!);
        Assert.Equal(tokens.Issuer, (string)claims["iss"]!);
        foreach (var claim in new[] { "exp", "nbf", "iat", "jti" })
            Assert.NotNull(claims[claim]);
        Assert.Equal("""[{"type":"repository","name":"some/repo","actions":["pull"]}]""", claims["access"]!.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, await StatusWithAsync(http, "/v2/", token));
        // access granted: the repository is merely unknown
        Assert.Equal(HttpStatusCode.NotFound, await StatusWithAsync(http, "/v2/some/repo/tags/list", token));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithAsync(http, "/v2/other/repo/tags/list", token));
        var pullScope = new[] { new TokenScope("repository", "some/repo", ["pull"]) };
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithAsync(http, "/v2/", tokens.CreateToken("alice", pullScope, audience: "someone-else")));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithAsync(http, "/v2/", tokens.CreateToken("alice", pullScope, issuer: "someone-else")));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithAsync(http, "/v2/", tokens.CreateToken("alice", pullScope, lifetime: TimeSpan.FromMinutes(-5))));
        // same service and issuer, but a key the registry does not trust
        await using var stranger = await TokenServer.StartAsync(new TokenServerOptions { Algorithm = algorithm, KeyHeader = keyHeader }, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithAsync(http, "/v2/", stranger.CreateToken("alice", pullScope)));
    }

    [Fact]
    public async Task Wrong_passwords_get_401_and_anonymous_users_get_what_the_permissions_allow()
    {
        await using var tokens = await TokenServer.StartAsync(new TokenServerOptions
        {
            Users = new Dictionary<string, string> { ["alice"] = "a-pass", ["bob"] = "b-pass" },
            Permissions = (user, type, name) => (user, name) switch
            {
                ("alice", _) => ["pull", "push"],
                ("bob", _) when name.StartsWith("bob/", StringComparison.Ordinal) => ["pull", "push", "delete"],
                ("bob", _) => ["pull"],
                _ => ["pull"],
            },
        }, Ct);
        var curl = Tool.Require("curl", "curl");
        var url = $"{tokens.Realm}?service={tokens.Service}&scope=repository:bob/app:pull,push";

        var wrong = await Tool.RunOkAsync(curl, ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-u", "alice:wrong", url]);
        Assert.Equal("401", wrong.Stdout);
        var unknown = await Tool.RunOkAsync(curl, ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-u", "mallory:a-pass", url]);
        Assert.Equal("401", unknown.Stdout);

        Assert.Equal("""[{"type":"repository","name":"bob/app","actions":["pull","push"]}]""", await AccessAsync(curl, url, "bob:b-pass"));
        Assert.Equal("""[{"type":"repository","name":"bob/app","actions":["pull"]}]""", await AccessAsync(curl, url, null));
        var other = $"{tokens.Realm}?service={tokens.Service}&scope=repository:team/app:pull,push,delete&scope=repository:team/app:pull";
        Assert.Equal("""[{"type":"repository","name":"team/app","actions":["pull"]}]""", await AccessAsync(curl, other, "bob:b-pass"));
        Assert.Equal("""[{"type":"repository","name":"team/app","actions":["pull","push"]}]""", await AccessAsync(curl, other, "alice:a-pass"));

        Assert.Equal(4, tokens.CountFor("repository:bob/app:pull,push"));
        Assert.Equal(2, tokens.CountFor("repository:team/app:pull"));
        Assert.Equal(2, tokens.Requests.Count(r => r.Status == 401));
        Assert.Equal(4, tokens.TokensIssued);

        await using var closed = await TokenServer.StartAsync(new TokenServerOptions { AllowAnonymous = false }, Ct);
        var anonymous = await Tool.RunOkAsync(curl, ["-s", "-o", "/dev/null", "-w", "%{http_code}", $"{closed.Realm}?service={closed.Service}&scope=repository:x:pull"]);
        Assert.Equal("401", anonymous.Stdout);
    }

    [Fact]
    public async Task The_oauth2_password_grant_returns_a_refresh_token_that_gets_new_tokens()
    {
        await using var registry = await RegistryServer.StartAsync(new RegistryServerOptions { Auth = RegistryAuth.Token }, Ct);
        var tokens = registry.TokenServer!;
        using var http = new HttpClient();
        using var http2 = registry.CreateHttpClient();

        var first = await PostAsync(http, tokens, HttpStatusCode.OK, ("grant_type", "password"), ("username", "alice"), ("password", "wonderland"),
            ("service", tokens.Service), ("client_id", "distill-tests"), ("access_type", "offline"), ("scope", "repository:a:pull repository:b:pull,push"));
        var refresh = (string)first["refresh_token"]!;
        Assert.Equal("repository:a:pull repository:b:pull,push", (string)first["scope"]!);
        Assert.Equal(HttpStatusCode.NotFound, await StatusWithAsync(http2, "/v2/b/tags/list", (string)first["access_token"]!));

        var second = await PostAsync(http, tokens, HttpStatusCode.OK, ("grant_type", "refresh_token"), ("refresh_token", refresh),
            ("service", tokens.Service), ("client_id", "distill-tests"), ("scope", "repository:c:pull"));
        Assert.Equal("alice", (string)Decode((string)second["access_token"]!).Claims["sub"]!);
        Assert.Equal(HttpStatusCode.NotFound, await StatusWithAsync(http2, "/v2/c/tags/list", (string)second["access_token"]!));

        await PostAsync(http, tokens, HttpStatusCode.Unauthorized, ("grant_type", "refresh_token"), ("refresh_token", "not-a-refresh-token"), ("service", tokens.Service));
        await PostAsync(http, tokens, HttpStatusCode.Unauthorized, ("grant_type", "password"), ("username", "alice"), ("password", "wrong"), ("service", tokens.Service));
        await PostAsync(http, tokens, HttpStatusCode.BadRequest, ("grant_type", "client_credentials"), ("service", tokens.Service));
        var withoutOffline = await PostAsync(http, tokens, HttpStatusCode.OK, ("grant_type", "password"), ("username", "alice"), ("password", "wonderland"), ("service", tokens.Service));
        Assert.Null(withoutOffline["refresh_token"]);
        Assert.Equal(["password", "refresh_token", "password"], tokens.Requests.Where(r => r.Status == 200).Select(r => r.GrantType!));
    }

    internal static (JsonObject Header, JsonObject Claims) Decode(string jwt)
    {
        var parts = jwt.Split('.');
        Assert.Equal(3, parts.Length);
        return (Part(parts[0]), Part(parts[1]));

        static JsonObject Part(string text)
        {
            var base64 = text.Replace('-', '+').Replace('_', '/');
            base64 += new string('=', (4 - base64.Length % 4) % 4);
            return JsonNode.Parse(Convert.FromBase64String(base64))!.AsObject();
        }
    }

    private static async Task<JsonObject> GetTokenAsync(TokenServer tokens, string scope, (string User, string Password)? credentials)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{tokens.Realm}?service={tokens.Service}&scope={scope}");
        if (credentials is { } c)
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{c.User}:{c.Password}")));
        using var response = await http.SendAsync(request, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    private static async Task<JsonObject> PostAsync(HttpClient http, TokenServer tokens, HttpStatusCode expected, params (string Key, string Value)[] form)
    {
        using var content = new FormUrlEncodedContent(form.Select(f => KeyValuePair.Create(f.Key, f.Value)));
        using var response = await http.PostAsync(tokens.Realm, content, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"expected {expected}, got {response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    private static async Task<string> AccessAsync(string curl, string url, string? credentials)
    {
        var result = await Tool.RunOkAsync(curl, ["-sSf", .. credentials is null ? Array.Empty<string>() : ["-u", credentials], url]);
        return Decode((string)JsonNode.Parse(result.Stdout)!["token"]!).Claims["access"]!.ToJsonString();
    }

    private static async Task<HttpStatusCode> StatusWithAsync(HttpClient http, string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, Ct);
        return response.StatusCode;
    }

    [GeneratedRegex("^[A-Z2-7]{4}(:[A-Z2-7]{4}){11}$")]
    private static partial Regex LibtrustKeyId();
}
