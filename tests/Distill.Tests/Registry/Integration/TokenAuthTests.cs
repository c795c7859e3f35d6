using Distill.Oci;
using Distill.Registry;
using Distill.Tests.Support;

namespace Distill.Tests.Registry.Integration;

/// <summary>
/// A registry with token auth (a real challenge → token server → bearer flow): push and pull, one token per scope for a
/// whole push, anonymous pull but no anonymous push, and a token the registry no longer accepts fetched again on 401.
/// </summary>
public sealed class TokenAuthTests
{
    private const string PushScope = "repository:app:pull,push";
    private const string PullScope = "repository:app:pull";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Requests the registry answered 401 (its access log).</summary>
    private static int Refusals(string log) => log.Split('\n').Count(l => l.Contains("\" 401 ", StringComparison.Ordinal));

    [Fact]
    public async Task A_push_of_several_layers_and_a_pull_each_fetch_one_token_for_their_scope()
    {
        await using var registry = await RegistryServer.StartAsync(new RegistryServerOptions { Auth = RegistryAuth.Token }, Ct);
        using var temp = new TempDir();
        var tokens = registry.TokenServer!;
        var image = await Loopback.SizedImageAsync(temp["staging"], seed: 61, [300_000, 200_000, 1_500_000], Ct);
        var context = Loopback.Context(new FixedCredentials(registry.Username, registry.Password));

        var pushed = await RegistryTransport.WriteAsync(context, image, ImageName.Parse($"{registry.Host}/app:v1"), Ct);
        Assert.Equal(image.ManifestDescriptor.Digest, pushed.Digest);
        Assert.Equal(1, tokens.CountFor(PushScope));
        Assert.All(tokens.Requests, r => Assert.Equal("alice", r.User));
        Assert.Equal(tokens.Requests.Count, context.Auth.TokenRequests);
        Assert.True(tokens.TokensIssued <= 2, $"{tokens.TokensIssued} tokens for one push: {string.Join("; ", tokens.Requests.Select(r => string.Join(' ', r.Scopes)))}");

        var pulled = await Loopback.PullToLayoutAsync(context, $"{registry.Host}/app:v1", temp["out"], ct: Ct);
        Assert.Equal(image.ManifestDescriptor.Digest, pulled.Digest);
        Assert.Equal(1, tokens.CountFor(PullScope));
        Assert.Equal(1, tokens.CountFor(PushScope));
        Assert.Equal(image.ManifestBytes.ToArray(), await RegistryImages.InspectRawAsync(registry, "app", "v1"));
    }

    [Fact]
    public async Task The_CLI_pushes_with_credentials_pulls_anonymously_and_is_refused_an_anonymous_push()
    {
        await using var registry = await RegistryServer.StartAsync(new RegistryServerOptions { Auth = RegistryAuth.Token }, Ct);
        using var box = new CliSandbox();
        var env = Loopback.Env(box.Temp);
        var image = await RegistryImages.CreateLayoutAsync(box["src"], "v1", seed: 62, layers: 3, ct: Ct);
        var expected = image.ManifestDescriptor.Digest.ToString();

        Assert.Equal(expected, await box.DigestOfAsync(
            ["copy", $"oci:{box["src"]}:v1", $"docker://{registry.Host}/app:v1", "--dest-tls-verify=false", "--dest-creds", registry.Credentials], env));
        Assert.Contains(registry.TokenServer!.Requests, r => r.User == "alice" && r.Scopes.Contains(PushScope) && r.Status == 200);

        Assert.Equal(expected, await box.DigestOfAsync(["pull", $"{registry.Host}/app:v1", "--src-tls-verify=false"], env));
        Assert.Contains(registry.TokenServer.Requests, r => r.User is null && r.Scopes.Contains(PullScope) && r.Status == 200);
        LayoutValidator.AssertValid(box.Store.Layout, allowDockerMediaTypes: true);

        var refused = await box.RunAsync(["copy", $"oci:{box["src"]}:v1", $"docker://{registry.Host}/other:v1", "--dest-tls-verify=false"], env);
        CliSandbox.AssertOneLineError(refused, "unauthorized", registry.Host);
        var missing = await RegistryImages.TryPullAsync(registry, "other", "v1", box["nothing"], registry.Credentials);
        Assert.NotEqual(0, missing.ExitCode);
    }

    [Fact]
    public async Task A_token_the_registry_has_stopped_accepting_is_fetched_again_on_401()
    {
        // expires_in is negative and exp lies 58 s in the past: distribution (60 s leeway) accepts such a token for 1-2 s,
        // while the client keeps it for its minimum of 10 s less 5 s of margin. So after ~3.5 s the cached token is refused.
        await using var tokenServer = await TokenServer.StartAsync(new TokenServerOptions { Lifetime = TimeSpan.FromSeconds(-58) }, Ct);
        await using var registry = await RegistryServer.StartAsync(new RegistryServerOptions { Auth = RegistryAuth.Token, TokenServer = tokenServer }, Ct);
        using var temp = new TempDir();
        var image = await Loopback.SizedImageAsync(temp["staging"], seed: 63, [10_000, 20_000], Ct);
        var context = Loopback.Context(new FixedCredentials("alice", "wonderland"));
        await RegistryTransport.WriteAsync(context, image, ImageName.Parse($"{registry.Host}/app:v1"), Ct);
        var before = tokenServer.CountFor(PushScope);
        Assert.True(before >= 1);

        var refusalsBefore = Refusals(registry.Log);
        await Task.Delay(TimeSpan.FromSeconds(3.5), Ct);
        var pushed = await RegistryTransport.WriteAsync(context, image, ImageName.Parse($"{registry.Host}/app:v2"), Ct);
        Assert.Equal(image.ManifestDescriptor.Digest, pushed.Digest);
        Assert.True(tokenServer.CountFor(PushScope) > before, "the refused token was not replaced");
        Assert.True(Refusals(registry.Log) > refusalsBefore, $"the registry refused no request with the old token:\n{registry.Log}");
        Assert.Equal(image.ManifestBytes.ToArray(), await RegistryImages.InspectRawAsync(registry, "app", "v2"));
    }
}
