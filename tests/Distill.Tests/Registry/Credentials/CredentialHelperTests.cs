using System.Text.Json.Nodes;
using Distill.Registry;
using Distill.Registry.Credentials;
using Distill.Tests.Support;

namespace Distill.Tests.Registry.Credentials;

/// <summary><c>credHelpers</c> / <c>credsStore</c>: the docker-credential-helpers protocol, against a fake helper script.</summary>
public sealed class CredentialHelperTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static JsonObject HelperConfig(string? credsStore = null, params (string Host, string Helper)[] helpers)
    {
        var config = new JsonObject { ["auths"] = new JsonObject() };
        if (helpers.Length > 0)
        {
            var map = new JsonObject();
            foreach (var (host, helper) in helpers)
                map[host] = helper;
            config["credHelpers"] = map;
        }
        if (credsStore is not null)
            config["credsStore"] = credsStore;
        return config;
    }

    [Fact]
    public async Task A_helper_named_for_the_host_answers_get_with_the_server_url_on_stdin()
    {
        using var world = new CredentialWorld();
        world.WriteJson(world.DockerConfigFile, HelperConfig(null, ("helped.io", "test"), ("https://index.docker.io/v1/", "test")));
        world.Helper.Seed("helped.io", "helper-user", "helper-secret");
        world.Helper.Seed("https://index.docker.io/v1/", "hub-user", "hub-secret");
        var found = await world.Store.FindAsync("helped.io", "team/app", None);
        Assert.Equal(new RegistryCredential("helper-user", "helper-secret"), found!.Credential);
        Assert.Contains("docker-credential-test", found.Source, StringComparison.Ordinal);
        Assert.Contains(world.DockerConfigFile, found.Source, StringComparison.Ordinal);
        Assert.Equal(new RegistryCredential("hub-user", "hub-secret"), await world.Store.GetAsync("registry-1.docker.io", None));
        Assert.Equal(["get helped.io", "get https://index.docker.io/v1/"], world.Helper.Calls);
    }

    [Fact]
    public async Task The_token_user_name_means_the_secret_is_an_identity_token()
    {
        using var world = new CredentialWorld();
        world.WriteJson(world.RuntimeAuthFile, HelperConfig(null, ("t.io", "test")));
        world.Helper.Seed("t.io", "<token>", "refresh-token");
        Assert.Equal(new RegistryCredential(null, null, "refresh-token"), await world.Store.GetAsync("t.io", None));
    }

    [Fact]
    public async Task Not_found_in_the_helper_moves_on_to_the_next_file_not_to_the_same_files_auths()
    {
        using var world = new CredentialWorld();
        var config = HelperConfig(null, ("h.io", "test"));
        config["auths"]!["h.io"] = new JsonObject { ["auth"] = CredentialWorld.Auth("stale-inline", "p") };
        world.WriteJson(world.RuntimeAuthFile, config);
        world.WriteAuths(world.DockerConfigFile, ("h.io", "from-docker-config", "p"));
        Assert.Equal("from-docker-config", await world.UserOfAsync("h.io"));
        File.Delete(world.DockerConfigFile);
        Assert.Null(await world.UserOfAsync("h.io"));
        // for Hub, docker's URL is asked first, then podman's name
        world.WriteJson(world.RuntimeAuthFile, HelperConfig(null, ("docker.io", "test")));
        world.Helper.Seed("docker.io", "podman-named", "s");
        Assert.Equal("podman-named", await world.UserOfAsync("docker.io"));
        Assert.Equal(["get h.io", "get h.io", "get https://index.docker.io/v1/", "get docker.io"], world.Helper.Calls);
    }

    [Fact]
    public async Task CredsStore_serves_every_host_without_its_own_helper()
    {
        using var world = new CredentialWorld();
        var other = new FakeCredentialHelper(world.Helper.Directory, "other");
        var config = HelperConfig("test", ("special.io", "other"));
        config["auths"]!["plain.io"] = new JsonObject(); // docker's marker entry
        world.WriteJson(world.DockerConfigFile, config);
        world.Helper.Seed("plain.io", "store-user", "s");
        world.Helper.Seed("special.io", "wrong-helper", "s");
        other.Seed("special.io", "special-user", "s");
        Assert.Equal("store-user", await world.UserOfAsync("plain.io"));
        Assert.Equal("special-user", await world.UserOfAsync("special.io"));
        Assert.Null(await world.UserOfAsync("unknown.io"));
    }

    [Fact]
    public async Task Store_and_erase_go_through_the_helper_and_leave_the_file_as_it_was()
    {
        using var world = new CredentialWorld();
        world.WriteJson(world.RuntimeAuthFile, HelperConfig(null, ("h.io", "test"), ("docker.io", "test")));
        var before = File.ReadAllBytes(world.RuntimeAuthFile);
        var store = world.Store;
        var where = await store.StoreAsync("h.io", new RegistryCredential("alice", "s3cret"), None);
        Assert.Contains("docker-credential-test", where, StringComparison.Ordinal);
        Assert.Equal("""{"ServerURL":"h.io","Username":"alice","Secret":"s3cret"}""", world.Helper.Stored("h.io")!.ToJsonString());
        await store.StoreAsync("https://index.docker.io/v1/", new RegistryCredential(null, null, "id-token"), None);
        Assert.Equal("<token>", (string?)world.Helper.Stored("https://index.docker.io/v1/")!["Username"]);
        Assert.Equal(before, File.ReadAllBytes(world.RuntimeAuthFile));
        Assert.Equal(new RegistryCredential("alice", "s3cret"), await store.GetAsync("h.io", None));
        Assert.Equal(new RegistryCredential(null, null, "id-token"), await store.GetAsync("docker.io", None));

        Assert.True(await store.EraseAsync("h.io", None));
        Assert.Null(world.Helper.Stored("h.io"));
        Assert.Null(await store.GetAsync("h.io", None));
        Assert.False(await store.EraseAsync("h.io", None)); // not found in the helper: nothing to erase
        Assert.Equal(before, File.ReadAllBytes(world.RuntimeAuthFile));
        Assert.Contains("store h.io", world.Helper.Calls);
        Assert.Contains("erase h.io", world.Helper.Calls);
    }

    [Fact]
    public async Task Erase_through_a_helper_also_removes_a_leftover_entry_in_the_file()
    {
        using var world = new CredentialWorld();
        var config = HelperConfig("test");
        config["auths"]!["h.io"] = new JsonObject();
        config["auths"]!["other.io"] = new JsonObject();
        world.WriteJson(world.RuntimeAuthFile, config);
        world.Helper.Seed("h.io", "u", "s");
        Assert.True(await world.Store.EraseAsync("h.io", None));
        Assert.Equal(["other.io"], CredentialWorld.ReadJson(world.RuntimeAuthFile)["auths"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task A_failing_helper_is_a_one_line_error_naming_it_without_the_secret()
    {
        using var world = new CredentialWorld();
        world.WriteJson(world.RuntimeAuthFile, HelperConfig("test"));
        var store = world.Store;
        var stored = await Assert.ThrowsAsync<CredentialException>(() => store.StoreAsync("broken.io", new RegistryCredential("bob", "hunter2-secret"), None));
        Assert.Contains("docker-credential-test store broken.io failed (exit 1)", stored.Message, StringComparison.Ordinal);
        Assert.Contains("helper exploded", stored.Message, StringComparison.Ordinal); // what the helper said…
        Assert.DoesNotContain("hunter2-secret", stored.Message, StringComparison.Ordinal); // …with the secret it echoed masked
        Assert.DoesNotContain('\n', stored.Message);
        var get = await Assert.ThrowsAsync<CredentialException>(async () => await store.GetAsync("broken.io", None));
        Assert.Contains("docker-credential-test get broken.io failed", get.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<CredentialException>(() => store.EraseAsync("broken.io", None));
    }

    [Fact]
    public async Task A_helper_answering_garbage_or_missing_from_PATH_is_a_clear_error()
    {
        using var world = new CredentialWorld();
        world.WriteJson(world.RuntimeAuthFile, HelperConfig(null, ("garbage.io", "garbage"), ("missing.io", "missing"), ("evil.io", "../../bin/sh")));
        world.Write("helper-bin/docker-credential-garbage", "#!/bin/sh\necho 'not json, secret=hunter2'\n");
        File.SetUnixFileMode(world.Temp["helper-bin/docker-credential-garbage"], (UnixFileMode)0x1ed);
        var garbage = await Assert.ThrowsAsync<CredentialException>(async () => await world.Store.GetAsync("garbage.io", None));
        Assert.Contains("docker-credential-garbage get garbage.io: the answer is not the expected JSON", garbage.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", garbage.Message, StringComparison.Ordinal);
        var missing = await Assert.ThrowsAsync<CredentialException>(async () => await world.Store.GetAsync("missing.io", None));
        Assert.Equal("credential helper docker-credential-missing is not on PATH", missing.Message);
        var evil = await Assert.ThrowsAsync<CredentialException>(async () => await world.Store.GetAsync("evil.io", None));
        Assert.Contains("invalid credential helper name", evil.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Helpers_store_per_host_so_a_repository_scoped_login_through_one_is_refused()
    {
        using var world = new CredentialWorld();
        world.WriteJson(world.RuntimeAuthFile, HelperConfig("test"));
        var e = await Assert.ThrowsAsync<CredentialException>(() => world.Store.StoreAsync("h.io/team", new RegistryCredential("u", "p"), None));
        Assert.Contains("per host", e.Message, StringComparison.Ordinal);
        Assert.Empty(world.Helper.Calls);
    }

    [Fact]
    public async Task Logout_all_erases_every_helper_entry_and_keeps_the_helper_configuration()
    {
        using var world = new CredentialWorld();
        var config = HelperConfig("test", ("h.io", "test"));
        config["auths"]!["a.io"] = new JsonObject { ["auth"] = CredentialWorld.Auth("a", "p") };
        config["auths"]!["marker.io"] = new JsonObject();
        world.WriteJson(world.RuntimeAuthFile, config);
        world.Helper.Seed("h.io", "u", "s");
        world.Helper.Seed("marker.io", "u", "s");
        await world.Store.EraseAllAsync(None);
        Assert.Null(world.Helper.Stored("h.io"));
        Assert.Null(world.Helper.Stored("marker.io"));
        var after = CredentialWorld.ReadJson(world.RuntimeAuthFile);
        Assert.Empty(after["auths"]!.AsObject());
        Assert.Equal("test", (string?)after["credHelpers"]!["h.io"]);
        Assert.Equal("test", (string?)after["credsStore"]);
    }
}
