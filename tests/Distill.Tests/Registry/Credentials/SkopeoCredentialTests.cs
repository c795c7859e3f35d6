using System.Text.Json.Nodes;
using Distill.Registry;
using Distill.Registry.Credentials;
using Distill.Tests.Support;

namespace Distill.Tests.Registry.Credentials;

/// <summary>
/// Differential: skopeo (containers/image, the same code as podman) and Distill read the same files and must
/// agree on whose credential applies; what Distill writes skopeo reads.
/// </summary>
public sealed class SkopeoCredentialTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>skopeo's answer to <c>login --get-login</c> in the world's environment: the user, or null.</summary>
    private static async Task<string?> SkopeoUserAsync(CredentialWorld world, string registry, string? authFile = null)
    {
        var skopeo = Tool.Require("skopeo", "skopeo");
        var env = new Dictionary<string, string>
        {
            ["HOME"] = world.Environment.Home ?? "",
            ["XDG_RUNTIME_DIR"] = world.Environment.XdgRuntimeDir ?? "",
            ["XDG_CONFIG_HOME"] = world.Environment.XdgConfigHome ?? "",
            ["DOCKER_CONFIG"] = world.Environment.DockerConfig ?? "",
            ["REGISTRY_AUTH_FILE"] = world.Environment.RegistryAuthFile ?? "",
            ["PATH"] = world.Environment.Path ?? "",
        };
        List<string> args = ["login", "--get-login"];
        if (authFile is not null)
            args.AddRange(["--authfile", authFile]);
        args.Add(registry);
        var result = await Tool.RunAsync(skopeo, args, env: env);
        if (result.ExitCode == 0)
            return result.Stdout.Trim();
        Assert.True(result.Stderr.Contains("not logged into", StringComparison.Ordinal), $"skopeo {string.Join(' ', args)}: {result.All}");
        return null;
    }

    [Fact]
    public async Task What_distill_login_writes_skopeo_reads()
    {
        using var world = new CredentialWorld();
        var file = world.Temp["auth/auth.json"];
        world.Environment = world.Environment with { RegistryAuthFile = file };
        world.WriteAuths(file, ("https://index.docker.io/v1/", "old-hub", "p"), ("keep.io", "keep", "p"));
        await world.Store.StoreAsync("docker.io", new RegistryCredential("hub-user", "hub:pass"), None);
        await world.Store.StoreAsync("localhost:5000", new RegistryCredential("local", "p"), None);
        await world.Store.StoreAsync("quay.io/team", new RegistryCredential("team-user", "p"), None);
        await world.Store.StoreAsync("quay.io", new RegistryCredential("quay-user", "p"), None);
        Assert.Equal("hub-user", await SkopeoUserAsync(world, "docker.io", file));
        Assert.Equal("local", await SkopeoUserAsync(world, "localhost:5000", file));
        Assert.Equal("keep", await SkopeoUserAsync(world, "keep.io", file));
        Assert.Equal("team-user", await SkopeoUserAsync(world, "quay.io/team/app", file));
        Assert.Equal("quay-user", await SkopeoUserAsync(world, "quay.io", file));
        await world.Store.EraseAsync("docker.io", None);
        Assert.Null(await SkopeoUserAsync(world, "docker.io", file));
    }

    [Fact]
    public async Task Distill_and_skopeo_agree_on_every_source_key_spelling_and_helper()
    {
        using var world = new CredentialWorld();
        // the primary file in podman's documented format (tabs, repository-scoped keys, a helper for one registry)
        world.Write(world.RuntimeAuthFile, $$"""
            {
            	"auths": {
            		"docker.io": {
            			"auth": "{{CredentialWorld.Auth("runtime-hub", "p")}}"
            		},
            		"my-registry.local/foo/bar/image": {
            			"auth": "{{CredentialWorld.Auth("image", "p")}}"
            		},
            		"my-registry.local/foo": {
            			"auth": "{{CredentialWorld.Auth("foo", "p")}}"
            		},
            		"my-registry.local": {
            			"auth": "{{CredentialWorld.Auth("host", "p")}}"
            		},
            		"localhost:5001": {}
            	},
            	"credHelpers": {
            		"helped.example.com": "test",
            		"unhelped.example.com": "test"
            	}
            }
            """);
        world.Helper.Seed("helped.example.com", "from-helper", "s");
        world.WriteAuths(world.ConfigHomeAuthFile, ("config-home.io", "config-home", "p"), ("shadowed.io", "config-home", "p"), ("unhelped.example.com", "config-home", "p"));
        world.WriteAuths(world.DockerConfigFile,
            ("https://index.docker.io/v1/", "docker-hub", "p"), ("shadowed.io", "docker", "p"), ("https://docker-only.io/v1/", "docker", "p"),
            ("http://plain.io:5000", "plain", "p"), ("localhost:5001", "docker-5001", "p"), ("slash.io/v1/", "slash", "p"));
        world.WriteJson("home/.dockercfg", new JsonObject { ["https://legacy.io/v1/"] = new JsonObject { ["auth"] = CredentialWorld.Auth("legacy", "p"), ["email"] = "e" } });

        string[] queries =
        [
            "docker.io", "my-registry.local", "my-registry.local/foo/bar/image", "my-registry.local/foo/bar/other", "my-registry.local/foo",
            "my-registry.local/foobar", "helped.example.com", "unhelped.example.com", "config-home.io", "shadowed.io", "docker-only.io",
            "plain.io:5000", "plain.io", "localhost:5001", "slash.io", "slash.io/v1/x", "legacy.io", "nowhere.io",
        ];
        foreach (var environment in (CredentialEnvironment[])[world.Environment, world.Environment with { RegistryAuthFile = world.Temp["none.json"] }])
        {
            world.Environment = environment;
            foreach (var query in queries)
            {
                var slash = query.IndexOf('/', StringComparison.Ordinal);
                var ours = slash < 0 ? await world.UserOfAsync(query) : await world.UserOfAsync(query[..slash], query[(slash + 1)..]);
                var theirs = await SkopeoUserAsync(world, query);
                Assert.True(theirs == ours, $"{query} (REGISTRY_AUTH_FILE={environment.RegistryAuthFile}): skopeo says {theirs ?? "none"}, distill says {ours ?? "none"}");
            }
        }
    }
}
