using System.Text.Json.Nodes;
using Distill.Registry;
using Distill.Registry.Credentials;

namespace Distill.Tests.Registry.Credentials;

/// <summary>Where credentials are looked up, in which order, and how keys match (containers-auth.json(5), docker's config.json).</summary>
public sealed class CredentialLookupTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Each_source_is_read_on_its_own()
    {
        using var world = new CredentialWorld();
        world.WriteAuths("explicit.json", ("explicit.io", "from-env-file", "p"));
        world.WriteAuths(world.RuntimeAuthFile, ("runtime.io", "from-runtime", "p"));
        world.WriteAuths(world.ConfigHomeAuthFile, ("config-home.io", "from-config-home", "p"));
        world.WriteAuths("xdg-config/containers/auth.json", ("xdg-config.io", "from-xdg-config", "p"));
        world.WriteAuths(world.DockerConfigFile, ("docker.example", "from-docker", "p"));
        world.WriteAuths("docker-config/config.json", ("docker-config.io", "from-docker-config", "p"));
        world.WriteJson("home/.dockercfg", new JsonObject { ["https://legacy.io/v1/"] = new JsonObject { ["auth"] = CredentialWorld.Auth("from-dockercfg", "p"), ["email"] = "x@y" } });

        Assert.Equal("from-runtime", await world.UserOfAsync("runtime.io"));
        Assert.Equal("from-config-home", await world.UserOfAsync("config-home.io"));
        Assert.Equal("from-docker", await world.UserOfAsync("docker.example"));
        Assert.Equal("from-dockercfg", await world.UserOfAsync("legacy.io"));
        Assert.Null(await world.UserOfAsync("explicit.io"));

        world.Environment = world.Environment with { RegistryAuthFile = world.Temp["explicit.json"] };
        Assert.Equal("from-env-file", await world.UserOfAsync("explicit.io"));

        world.Environment = world.Environment with { XdgConfigHome = world.Temp["xdg-config"] };
        Assert.Equal("from-xdg-config", await world.UserOfAsync("xdg-config.io"));
        Assert.Null(await world.UserOfAsync("config-home.io")); // XDG_CONFIG_HOME replaces ~/.config

        world.Environment = world.Environment with { DockerConfig = world.Temp["docker-config"] };
        Assert.Equal("from-docker-config", await world.UserOfAsync("docker-config.io"));
        Assert.Null(await world.UserOfAsync("docker.example")); // DOCKER_CONFIG replaces ~/.docker
    }

    [Fact]
    public async Task Sources_are_read_in_podman_order_and_the_first_credential_wins()
    {
        using var world = new CredentialWorld();
        world.WriteAuths("explicit.json", ("r.io", "explicit", "p"));
        world.WriteAuths(world.RuntimeAuthFile, ("r.io", "runtime", "p"), ("only-runtime.io", "runtime", "p"));
        world.WriteAuths(world.ConfigHomeAuthFile, ("r.io", "config-home", "p"));
        world.WriteAuths(world.DockerConfigFile, ("https://r.io/v1/", "docker", "p"));
        world.WriteJson("home/.dockercfg", new JsonObject { ["r.io"] = new JsonObject { ["auth"] = CredentialWorld.Auth("dockercfg", "p") } });
        var order = new List<string?>();
        string[] files = [world.Temp["explicit.json"], world.RuntimeAuthFile, world.ConfigHomeAuthFile, world.DockerConfigFile, world.Temp["home/.dockercfg"]];
        world.Environment = world.Environment with { RegistryAuthFile = files[0] };

        // REGISTRY_AUTH_FILE replaces the primary (runtime) file, as skopeo does: it does not come before it
        Assert.Null(await world.UserOfAsync("only-runtime.io"));
        Assert.Equal([files[0], files[2], files[3], files[4]], world.Store.Sources.Select(s => s.Path));
        order.Add(await world.UserOfAsync("r.io"));
        world.Environment = world.Environment with { RegistryAuthFile = null };
        Assert.Equal(files[1..], world.Store.Sources.Select(s => s.Path));
        foreach (var file in files[1..])
        {
            order.Add(await world.UserOfAsync("r.io"));
            File.Delete(file);
        }
        order.Add(await world.UserOfAsync("r.io"));
        Assert.Equal(["explicit", "runtime", "config-home", "docker", "dockercfg", null], order);
    }

    [Fact]
    public void Without_XDG_RUNTIME_DIR_the_primary_file_is_under_run_containers_uid()
    {
        var store = new DockerCredentialStore(new CredentialEnvironment { Home = "/nonexistent-home", UserId = 1234 });
        Assert.Equal("/run/containers/1234/auth.json", store.PrimaryAuthFile);
        Assert.Equal("/nonexistent-home/.docker/config.json", store.Sources[2].Path);
        var fromVariables = CredentialEnvironment.FromVariables(name => name switch
        {
            "XDG_RUNTIME_DIR" => "",
            "REGISTRY_AUTH_FILE" => "",
            "HOME" => "/h",
            "PATH" => "/bin",
            _ => null,
        }, 7);
        Assert.Equal(new CredentialEnvironment { Home = "/h", Path = "/bin", UserId = 7 }, fromVariables); // empty means unset
    }

    [Fact]
    public async Task Missing_files_and_hosts_give_no_credential()
    {
        using var world = new CredentialWorld();
        Assert.Null(await world.Store.GetAsync("quay.io", None));
        world.WriteAuths(world.RuntimeAuthFile, ("quay.io", "u", "p"));
        Assert.Null(await world.Store.GetAsync("ghcr.io", None));
        world.Write(world.DockerConfigFile, "");
        Assert.Null(await world.Store.GetAsync("ghcr.io", None)); // an empty file is no credentials, as in podman
        Assert.Null(await new DockerCredentialStore(new CredentialEnvironment { XdgRuntimeDir = world.Temp["run"] }).GetAsync("ghcr.io", None));
    }

    [Theory]
    [InlineData("https://index.docker.io/v1/")]
    [InlineData("index.docker.io")]
    [InlineData("registry-1.docker.io")]
    [InlineData("docker.io")]
    [InlineData("https://registry-1.docker.io/v2/")]
    [InlineData("http://index.docker.io")]
    public async Task Every_spelling_of_Docker_Hub_is_Docker_Hub(string key)
    {
        using var world = new CredentialWorld();
        world.WriteAuths(world.DockerConfigFile, (key, "hub-user", "p"));
        foreach (var host in (string[])["docker.io", "registry-1.docker.io", "index.docker.io", "DOCKER.IO"])
            Assert.Equal("hub-user", await world.UserOfAsync(host));
        Assert.Equal("hub-user", await world.UserOfAsync("docker.io", "library/ubuntu"));
        Assert.Null(await world.UserOfAsync("docker.example"));
    }

    [Fact]
    public async Task Scheme_and_path_spellings_of_a_host_match_it()
    {
        using var world = new CredentialWorld();
        world.WriteAuths(world.DockerConfigFile,
            ("https://a.io", "a", "p"), ("https://b.io/v1/", "b", "p"), ("http://c.io:5000", "c", "p"), ("d.io/v1/", "d", "p"), ("localhost:5000", "l", "p"));
        Assert.Equal("a", await world.UserOfAsync("a.io"));
        Assert.Equal("b", await world.UserOfAsync("b.io"));
        Assert.Equal("c", await world.UserOfAsync("c.io:5000"));
        Assert.Null(await world.UserOfAsync("c.io"));
        Assert.Null(await world.UserOfAsync("d.io")); // without a scheme, "d.io/v1/" is a namespace (as skopeo reads it)
        Assert.Null(await world.UserOfAsync("d.io", "v1/app")); // nor a usable one: the trailing slash matches no lookup key (as in skopeo)
        Assert.Equal("l", await world.UserOfAsync("localhost:5000"));
    }

    [Fact]
    public async Task The_exact_key_wins_over_another_spelling_in_the_same_file()
    {
        using var world = new CredentialWorld();
        world.WriteAuths(world.RuntimeAuthFile, ("https://index.docker.io/v1/", "docker-style", "p"), ("docker.io", "podman-style", "p"));
        Assert.Equal("podman-style", await world.UserOfAsync("docker.io"));
    }

    [Fact]
    public async Task Repository_scoped_keys_match_most_specific_first()
    {
        using var world = new CredentialWorld();
        world.WriteAuths(world.RuntimeAuthFile,
            ("my-registry.local/foo/bar/image", "image", "p"), ("my-registry.local/foo", "foo", "p"), ("my-registry.local", "host", "p"),
            ("docker.io/library", "hub-library", "p"));
        Assert.Equal("image", await world.UserOfAsync("my-registry.local", "foo/bar/image"));
        Assert.Equal("foo", await world.UserOfAsync("my-registry.local", "foo/bar/other"));
        Assert.Equal("foo", await world.UserOfAsync("my-registry.local", "foo/bar"));
        Assert.Equal("host", await world.UserOfAsync("my-registry.local", "foobar/image")); // a path segment, not a prefix
        Assert.Equal("host", await world.UserOfAsync("my-registry.local"));
        Assert.Equal("hub-library", await world.UserOfAsync("registry-1.docker.io", "library/ubuntu"));
        Assert.Null(await world.UserOfAsync("docker.io", "someone/app"));
        Assert.Equal(["r.io/a/b/c", "r.io/a/b", "r.io/a", "r.io"], AuthKeys.LookupOrder("r.io", "a/b/c"));
    }

    [Fact]
    public async Task Scoped_credentials_in_an_earlier_file_win_over_host_credentials_in_a_later_one_only_when_they_match()
    {
        using var world = new CredentialWorld();
        world.WriteAuths(world.RuntimeAuthFile, ("q.io/team", "team", "p"));
        world.WriteAuths(world.DockerConfigFile, ("q.io", "docker", "p"));
        Assert.Equal("team", await world.UserOfAsync("q.io", "team/app"));
        Assert.Equal("docker", await world.UserOfAsync("q.io", "other/app"));
        Assert.Equal("docker", await world.UserOfAsync("q.io"));
    }

    [Fact]
    public async Task Entries_decode_passwords_with_colons_identity_tokens_and_separate_fields()
    {
        using var world = new CredentialWorld();
        world.WriteJson(world.RuntimeAuthFile, JsonNode.Parse($$$"""
            {"auths": {
              "colon.io": {"auth": "{{{CredentialWorld.Auth("u", "pa:ss:word")}}}"},
              "token.io": {"auth": "{{{CredentialWorld.Auth("u", "p")}}}", "identitytoken": "refresh-token"},
              "onlytoken.io": {"identitytoken": "refresh-token"},
              "fields.io": {"username": "fu", "password": "fp"},
              "marker.io": {},
              "emptyauth.io": {"auth": ""}
            }}
            """)!);
        world.WriteAuths(world.DockerConfigFile, ("marker.io", "docker", "p"), ("emptyauth.io", "docker", "p"));
        var store = world.Store;
        Assert.Equal(new RegistryCredential("u", "pa:ss:word"), await store.GetAsync("colon.io", None));
        Assert.Equal(new RegistryCredential("u", "p", "refresh-token"), await store.GetAsync("token.io", None));
        Assert.Equal(new RegistryCredential(null, null, "refresh-token"), await store.GetAsync("onlytoken.io", None));
        Assert.Equal(new RegistryCredential("fu", "fp"), await store.GetAsync("fields.io", None));
        // an entry with nothing in it (docker's marker when a helper holds the secret) is passed over
        Assert.Equal("docker", await world.UserOfAsync("marker.io"));
        Assert.Equal("docker", await world.UserOfAsync("emptyauth.io"));
        var found = await store.FindAsync("colon.io", null, None);
        Assert.Equal(world.RuntimeAuthFile, found!.Source);
        Assert.DoesNotContain("pa:ss", found.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"auths\": {\"x.io\": {\"auth\": \"c2VjcmV0LXVzZXI6aHVudGVyMg==\"", "not valid JSON")]
    [InlineData("[\"hunter2\"]", "expected a JSON object")]
    [InlineData("{\"auths\": [\"hunter2\"]}", "\"auths\" is not an object")]
    [InlineData("{\"auths\": {\"x.io\": \"hunter2\"}}", "the entry for \"x.io\" is not an object")]
    [InlineData("{\"auths\": {\"x.io\": {\"auth\": \"hunter2!!\"}}}", "not base64 of user:password")]
    [InlineData("{\"auths\": {\"x.io\": {\"auth\": \"aHVudGVyMg==\"}}}", "not base64 of user:password")]
    [InlineData("{\"auths\": {\"x.io\": {\"auth\": 42}}}", "\"auth\" of \"x.io\" is not a string")]
    [InlineData("{\"credHelpers\": {\"x.io\": 1}}", "\"credHelpers\"")]
    [InlineData("{\"credsStore\": true}", "\"credsStore\" is not a string")]
    [InlineData("{\"auths\": {\"x.io\": {\"auth\": \"eDp5\"}, \"x.io\": {}}}", "a key appears twice")]
    public async Task A_malformed_file_is_a_one_line_error_naming_the_file_and_no_secret(string content, string what)
    {
        using var world = new CredentialWorld();
        var path = world.Write(world.RuntimeAuthFile, content);
        var e = await Assert.ThrowsAsync<CredentialException>(async () => await world.Store.GetAsync("x.io", None));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(what, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0", e.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<IOException>(e); // the CLI's one-line error path
    }

    [Fact]
    public async Task An_unreadable_file_is_an_error_naming_it()
    {
        using var world = new CredentialWorld();
        Directory.CreateDirectory(world.RuntimeAuthFile); // a directory where the file should be
        var e = await Assert.ThrowsAsync<CredentialException>(async () => await world.Store.GetAsync("x.io", None));
        Assert.Contains(world.RuntimeAuthFile, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("docker.io", "docker.io")]
    [InlineData("https://index.docker.io/v1/", "docker.io")]
    [InlineData("registry-1.docker.io/library/ubuntu", "docker.io/library/ubuntu")]
    [InlineData("localhost:5000", "localhost:5000")]
    [InlineData("https://quay.io/v2/", "quay.io")]
    [InlineData("quay.io/team/", "quay.io/team")]
    public void Registries_named_at_login_are_normalised(string given, string key) => Assert.Equal(key, AuthKeys.ParseRegistry(given));

    [Theory]
    [InlineData("")]
    [InlineData("quay.io/team/app:latest")]
    [InlineData("quay.io/team/app@sha256:abc")]
    [InlineData("quay io")]
    [InlineData("/team")]
    public void Registries_with_tags_digests_or_no_host_are_refused(string given) =>
        Assert.Throws<FormatException>(() => AuthKeys.ParseRegistry(given));
}
