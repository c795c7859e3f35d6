using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Distill.Registry;

/// <summary>
/// Answers registry auth challenges for every request that passes through: Basic with the stored credential, or the
/// Bearer token flow (<see href="https://distribution.github.io/distribution/spec/auth/token/">token spec</see>) — ask the
/// realm for a token for the request's scopes, cache it per registry and scope set, attach it to later requests up
/// front, and fetch a new one once on a 401. Requests with a body must be replayable (their content buffered or
/// re-creatable), so large uploads are sent only after a cheap request has already earned the token.
/// </summary>
public sealed class RegistryAuthHandler(ICredentialProvider credentials) : DelegatingHandler
{
    /// <summary>The scopes a request needs, e.g. <c>repository:app:pull,push</c>; set by the protocol client.</summary>
    public static readonly HttpRequestOptionsKey<string[]> Scopes = new("distill.scopes");

    private readonly ConcurrentDictionary<string, CachedToken> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AuthChallenge> _challenges = new(StringComparer.Ordinal);
    // one token fetch at a time per registry and scope set: parallel blob requests share it instead of each fetching one
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _fetchGates = new(StringComparer.Ordinal);

    /// <summary>How many token requests were made (tests check caching).</summary>
    public int TokenRequests => _tokenRequests;
    private int _tokenRequests;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var host = request.RequestUri!.Authority;
        var scopes = request.Options.TryGetValue(Scopes, out var s) ? s : [];
        if (_challenges.TryGetValue(host, out var known))
            await AuthorizeAsync(request, host, known, scopes, rejectedToken: null, cancellationToken);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
            return response;
        var challenge = AuthChallenge.Parse(response.Headers.WwwAuthenticate.ToString());
        if (challenge is null || !(challenge.Scheme.Equals("bearer", StringComparison.OrdinalIgnoreCase) || challenge.Scheme.Equals("basic", StringComparison.OrdinalIgnoreCase)))
            return response;
        _challenges[host] = challenge;
        if (!CanReplay(request))
            return response;
        var rejected = request.Headers.Authorization is { Scheme: "Bearer" } sent ? sent.Parameter : null;
        response.Dispose();
        var retry = await CloneAsync(request, cancellationToken);
        await AuthorizeAsync(retry, host, challenge, scopes, rejected, cancellationToken);
        return await base.SendAsync(retry, cancellationToken);
    }

    // rejectedToken: the bearer token the registry just refused, replaced unless another request already did
    private async Task AuthorizeAsync(HttpRequestMessage request, string host, AuthChallenge challenge, string[] scopes, string? rejectedToken, CancellationToken ct)
    {
        if (challenge.Scheme.Equals("basic", StringComparison.OrdinalIgnoreCase))
        {
            var credential = await credentials.GetAsync(host, ct);
            if (credential?.Username is not null)
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")));
            return;
        }
        var allScopes = scopes.Length > 0 ? scopes : challenge.Scope is { } cs ? cs.Split(' ') : [];
        var key = $"{host}|{string.Join(' ', allScopes.Order(StringComparer.Ordinal))}";
        if (!Usable(key, rejectedToken, out var cached))
        {
            var gate = _fetchGates.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
            await gate.WaitAsync(ct);
            try
            {
                if (!Usable(key, rejectedToken, out cached))
                {
                    cached = await FetchTokenAsync(host, challenge, allScopes, ct);
                    _tokens[key] = cached;
                }
            }
            finally
            {
                gate.Release();
            }
        }
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", cached.Token);
    }

    private bool Usable(string key, string? rejectedToken, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CachedToken? cached) =>
        _tokens.TryGetValue(key, out cached) && cached.ExpiresAt > DateTimeOffset.UtcNow && cached.Token != rejectedToken;

    private async Task<CachedToken> FetchTokenAsync(string host, AuthChallenge challenge, string[] scopes, CancellationToken ct)
    {
        if (challenge.Realm is null || !Uri.TryCreate(challenge.Realm, UriKind.Absolute, out var realm))
            throw new RegistryException($"{host}: the registry asked for a bearer token but gave no usable realm");
        Interlocked.Increment(ref _tokenRequests);
        var credential = await credentials.GetAsync(host, ct);
        var query = new StringBuilder();
        if (challenge.Service is not null)
            query.Append("service=").Append(Uri.EscapeDataString(challenge.Service));
        foreach (var scope in scopes)
            query.Append(query.Length > 0 ? "&" : "").Append("scope=").Append(Uri.EscapeDataString(scope));
        HttpRequestMessage tokenRequest;
        if (credential?.IdentityToken is { } refresh)
        {
            // OAuth2 refresh token grant, as docker does with an identity token
            var form = new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["refresh_token"] = refresh, ["client_id"] = "distill" };
            if (challenge.Service is not null)
                form["service"] = challenge.Service;
            if (scopes.Length > 0)
                form["scope"] = string.Join(' ', scopes);
            tokenRequest = new HttpRequestMessage(HttpMethod.Post, realm) { Content = new FormUrlEncodedContent(form) };
        }
        else
        {
            var builder = new UriBuilder(realm) { Query = string.IsNullOrEmpty(realm.Query) ? query.ToString() : realm.Query.TrimStart('?') + "&" + query };
            tokenRequest = new HttpRequestMessage(HttpMethod.Get, builder.Uri);
            if (credential?.Username is not null)
                tokenRequest.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")));
        }
        using (tokenRequest)
        using (var response = await base.SendAsync(tokenRequest, ct))
        {
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                throw new RegistryException($"{host}: unauthorized: the token server {realm.GetLeftPart(UriPartial.Path)} refused {(credential?.Username is null ? "anonymous access" : $"the credentials of {credential.Username}")} for {string.Join(" ", scopes)}", response.StatusCode, "UNAUTHORIZED");
            if (!response.IsSuccessStatusCode)
                throw new RegistryException($"{host}: token server {realm.GetLeftPart(UriPartial.Path)} answered {(int)response.StatusCode} {response.ReasonPhrase}", response.StatusCode);
            var body = await response.Content.ReadAsByteArrayAsync(ct);
            TokenResponse? parsed;
            try
            {
                parsed = JsonSerializer.Deserialize(body, RegistryJsonContext.Default.TokenResponse);
            }
            catch (JsonException)
            {
                parsed = null;
            }
            var token = parsed?.Token ?? parsed?.AccessToken;
            if (string.IsNullOrEmpty(token))
                throw new RegistryException($"{host}: token server {realm.GetLeftPart(UriPartial.Path)} returned no token");
            var lifetime = TimeSpan.FromSeconds(Math.Max(parsed!.ExpiresIn ?? 60, 10));
            // renew a little early so a token never expires between attach and use
            return new CachedToken(token, DateTimeOffset.UtcNow + lifetime - TimeSpan.FromSeconds(5));
        }
    }

    private static bool CanReplay(HttpRequestMessage request) =>
        request.Content is null or ByteArrayContent or ReplayableContent;

    private static async Task<HttpRequestMessage> CloneAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var clone = new HttpRequestMessage(request.Method, request.RequestUri) { Version = request.Version, VersionPolicy = request.VersionPolicy };
        foreach (var header in request.Headers)
        {
            if (header.Key != "Authorization")
                clone.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
        foreach (var option in request.Options)
            ((IDictionary<string, object?>)clone.Options)[option.Key] = option.Value;
        clone.Content = request.Content switch
        {
            null => null,
            ReplayableContent r => r.Recreate(),
            _ => await CopyContentAsync(request.Content, ct),
        };
        return clone;
    }

    private static async Task<HttpContent> CopyContentAsync(HttpContent content, CancellationToken ct)
    {
        var copy = new ByteArrayContent(await content.ReadAsByteArrayAsync(ct));
        foreach (var header in content.Headers)
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        return copy;
    }

    private sealed record CachedToken(string Token, DateTimeOffset ExpiresAt);
}

/// <summary>Content that can be created again for a retry (e.g. a blob chunk read from a file at an offset).</summary>
public abstract class ReplayableContent : HttpContent
{
    public abstract ReplayableContent Recreate();
}
