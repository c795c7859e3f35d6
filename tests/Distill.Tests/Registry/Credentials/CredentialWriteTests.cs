using System.Text.Json.Nodes;
using Distill.Registry;
using Distill.Registry.Credentials;

namespace Distill.Tests.Registry.Credentials;

/// <summary>Login and logout edits of the primary auth file: atomic, 0600, every other byte of meaning kept.</summary>
public sealed class CredentialWriteTests
{
    private static readonly CancellationToken None = CancellationToken.None;
    private const UnixFileMode Mode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Mode0700 = Mode0600 | UnixFileMode.UserExecute;

    [Fact]
    public async Task Login_creates_the_runtime_file_0600_in_0700_directories_in_podmans_format()
    {
        using var world = new CredentialWorld();
        var where = await world.Store.StoreAsync("localhost:5000", new RegistryCredential("alice", "pa:ss"), None);
        Assert.Equal(world.RuntimeAuthFile, where);
        Assert.Equal(Mode0600, File.GetUnixFileMode(world.RuntimeAuthFile));
        Assert.Equal(Mode0700, File.GetUnixFileMode(world.Temp["run/containers"]));
        var json = CredentialWorld.ReadJson(world.RuntimeAuthFile);
        Assert.Equal("{\"auths\":{\"localhost:5000\":{\"auth\":\"" + CredentialWorld.Auth("alice", "pa:ss") + "\"}}}", json.ToJsonString());
        Assert.Equal(new RegistryCredential("alice", "pa:ss"), await world.Store.GetAsync("localhost:5000", None));
        Assert.Equal(["auth.json"], Directory.GetFileSystemEntries(world.Temp["run/containers"]).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Login_writes_REGISTRY_AUTH_FILE_when_set_creating_its_parents()
    {
        using var world = new CredentialWorld();
        var file = world.Temp["deep/er/auth.json"];
        world.Environment = world.Environment with { RegistryAuthFile = file };
        Assert.Equal(file, await world.Store.StoreAsync("docker.io", new RegistryCredential("u", "p"), None));
        Assert.False(File.Exists(world.RuntimeAuthFile));
        Assert.Equal(Mode0700, File.GetUnixFileMode(world.Temp["deep"]));
        Assert.Equal(Mode0700, File.GetUnixFileMode(world.Temp["deep/er"]));
        Assert.Equal(["docker.io"], CredentialWorld.ReadJson(file)["auths"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task A_missing_XDG_RUNTIME_DIR_is_an_error_not_a_directory_made_up()
    {
        using var world = new CredentialWorld();
        world.Environment = world.Environment with { XdgRuntimeDir = world.Temp["no-such-runtime-dir"] };
        var e = await Assert.ThrowsAsync<CredentialException>(() => world.Store.StoreAsync("x.io", new RegistryCredential("u", "p"), None));
        Assert.Contains("XDG_RUNTIME_DIR", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(world.Temp["no-such-runtime-dir"]));
    }

    [Fact]
    public async Task Login_keeps_unknown_fields_other_hosts_and_other_fields_of_the_entry()
    {
        using var world = new CredentialWorld();
        world.Write(world.RuntimeAuthFile, $$$"""
            {
              "auths": {
                "other.io": {"auth": "{{{CredentialWorld.Auth("other", "o")}}}"},
                "x.io": {"auth": "{{{CredentialWorld.Auth("old", "old")}}}", "email": "me@example.com", "identitytoken": "stale"},
                "x.io/team": {"auth": "{{{CredentialWorld.Auth("team", "t")}}}"}
              },
              "credHelpers": {"helped.io": "test"},
              "HttpHeaders": {"User-Agent": "something"},
              "psFormat": "table {{.ID}}",
              "experimental": true,
              "numbers": [1, 2.5, null]
            }
            """);
        File.SetUnixFileMode(world.RuntimeAuthFile, (UnixFileMode)0x1a4); // 0644: rewritten 0600
        await world.Store.StoreAsync("x.io", new RegistryCredential("new", "new"), None);
        await world.Store.StoreAsync("added.io", new RegistryCredential("added", "a"), None);
        var json = CredentialWorld.ReadJson(world.RuntimeAuthFile);
        Assert.Equal(["auths", "credHelpers", "HttpHeaders", "psFormat", "experimental", "numbers"], json.Select(p => p.Key));
        Assert.Equal("""{"User-Agent":"something"}""", json["HttpHeaders"]!.ToJsonString());
        Assert.Equal("table {{.ID}}", (string?)json["psFormat"]);
        Assert.Equal("[1,2.5,null]", json["numbers"]!.ToJsonString());
        Assert.True((bool)json["experimental"]!);
        var auths = json["auths"]!.AsObject();
        Assert.Equal(["other.io", "x.io", "x.io/team", "added.io"], auths.Select(p => p.Key));
        Assert.Equal($$"""{"email":"me@example.com","auth":"{{CredentialWorld.Auth("new", "new")}}"}""", auths["x.io"]!.ToJsonString());
        Assert.Equal("other", await world.UserOfAsync("other.io"));
        Assert.Equal("team", await world.UserOfAsync("x.io", "team/app"));
        Assert.Equal(Mode0600, File.GetUnixFileMode(world.RuntimeAuthFile));
        Assert.Equal(["auth.json"], Directory.GetFileSystemEntries(world.Temp["run/containers"]).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Login_updates_an_existing_spelling_of_the_key_so_docker_still_finds_it()
    {
        using var world = new CredentialWorld();
        world.WriteAuths(world.RuntimeAuthFile, ("https://index.docker.io/v1/", "old", "p"), ("registry-1.docker.io", "older", "p"), ("https://q.io", "q", "p"));
        await world.Store.StoreAsync("docker.io", new RegistryCredential("new", "p"), None);
        await world.Store.StoreAsync("q.io", new RegistryCredential("new-q", "p"), None);
        var auths = CredentialWorld.ReadJson(world.RuntimeAuthFile)["auths"]!.AsObject();
        Assert.Equal(["https://index.docker.io/v1/", "https://q.io"], auths.Select(p => p.Key));
        Assert.Equal("new", await world.UserOfAsync("docker.io"));
        Assert.Equal("new-q", await world.UserOfAsync("q.io"));
    }

    [Fact]
    public async Task Login_writes_through_a_symlinked_auth_file()
    {
        using var world = new CredentialWorld();
        var real = world.WriteAuths("real/auth.json", ("a.io", "a", "p"));
        Directory.CreateDirectory(world.Temp["run/containers"]);
        File.CreateSymbolicLink(world.RuntimeAuthFile, real);
        await world.Store.StoreAsync("b.io", new RegistryCredential("b", "p"), None);
        Assert.NotNull(new FileInfo(world.RuntimeAuthFile).LinkTarget);
        Assert.Equal(["a.io", "b.io"], CredentialWorld.ReadJson(real)["auths"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task A_malformed_file_is_not_overwritten_by_login()
    {
        using var world = new CredentialWorld();
        world.Write(world.RuntimeAuthFile, "{\"auths\": {");
        var e = await Assert.ThrowsAsync<CredentialException>(() => world.Store.StoreAsync("x.io", new RegistryCredential("u", "hunter2"), None));
        Assert.Contains(world.RuntimeAuthFile, e.Message, StringComparison.Ordinal);
        Assert.Equal("{\"auths\": {", File.ReadAllText(world.RuntimeAuthFile));
    }

    [Fact]
    public async Task A_failed_write_leaves_the_old_file_and_no_temp_file()
    {
        using var world = new CredentialWorld();
        var original = world.WriteAuths(world.RuntimeAuthFile, ("a.io", "a", "p"));
        var before = File.ReadAllText(original);
        var dir = world.Temp["run/containers"];
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserExecute); // no new files here
        try
        {
            if (Environment.UserName == "root")
            {
                // root ignores directory modes: make the rename target a directory instead, so the rename fails
                File.SetUnixFileMode(dir, Mode0700);
                File.Delete(original);
                Directory.CreateDirectory(original);
                File.WriteAllText(Path.Combine(original, "keep"), "x");
                before = null;
            }
            var e = await Assert.ThrowsAsync<CredentialException>(() => world.Store.StoreAsync("b.io", new RegistryCredential("b", "hunter2"), None));
            Assert.Contains(original, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
            if (before is not null)
                Assert.Equal(before, File.ReadAllText(original));
            Assert.Equal(["auth.json"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
        }
        finally
        {
            File.SetUnixFileMode(dir, Mode0700);
        }
    }

    [Fact]
    public async Task Logout_removes_that_key_in_every_spelling_and_nothing_else()
    {
        using var world = new CredentialWorld();
        var config = new JsonObject
        {
            ["auths"] = new JsonObject
            {
                ["docker.io"] = new JsonObject { ["auth"] = CredentialWorld.Auth("a", "p") },
                ["https://index.docker.io/v1/"] = new JsonObject { ["auth"] = CredentialWorld.Auth("b", "p") },
                ["docker.io/team"] = new JsonObject { ["auth"] = CredentialWorld.Auth("team", "p") },
                ["quay.io"] = new JsonObject { ["auth"] = CredentialWorld.Auth("q", "p") },
            },
            ["unknown"] = new JsonObject { ["kept"] = true },
        };
        world.WriteJson(world.RuntimeAuthFile, config);
        world.WriteAuths(world.DockerConfigFile, ("docker.io", "docker-cli", "p"));
        Assert.True(await world.Store.EraseAsync("registry-1.docker.io", None));
        var json = CredentialWorld.ReadJson(world.RuntimeAuthFile);
        Assert.Equal(["docker.io/team", "quay.io"], json["auths"]!.AsObject().Select(p => p.Key));
        Assert.Equal("""{"kept":true}""", json["unknown"]!.ToJsonString());
        Assert.Equal(Mode0600, File.GetUnixFileMode(world.RuntimeAuthFile));
        Assert.False(await world.Store.EraseAsync("docker.io", None));
        Assert.Equal("docker-cli", await world.UserOfAsync("docker.io")); // other tools' files are left alone
        Assert.True(await world.Store.EraseAsync("docker.io/team", None));
        Assert.Equal(["quay.io"], CredentialWorld.ReadJson(world.RuntimeAuthFile)["auths"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Logout_without_a_file_changes_nothing()
    {
        using var world = new CredentialWorld();
        Assert.False(await world.Store.EraseAsync("x.io", None));
        await world.Store.EraseAllAsync(None);
        Assert.False(File.Exists(world.RuntimeAuthFile));
    }

    [Fact]
    public async Task Logout_all_empties_auths_and_keeps_the_rest()
    {
        using var world = new CredentialWorld();
        world.WriteJson(world.RuntimeAuthFile, new JsonObject
        {
            ["auths"] = new JsonObject { ["a.io"] = new JsonObject { ["auth"] = CredentialWorld.Auth("a", "p") }, ["b.io/x"] = new JsonObject() },
            ["psFormat"] = "x",
        });
        await world.Store.EraseAllAsync(None);
        Assert.Equal("""{"auths":{},"psFormat":"x"}""", CredentialWorld.ReadJson(world.RuntimeAuthFile).ToJsonString());
    }

    [Fact]
    public async Task Credentials_never_show_in_ToString()
    {
        using var world = new CredentialWorld();
        await world.Store.StoreAsync("x.io", new RegistryCredential("u", "hunter2", "tok3n"), None);
        var found = await world.Store.FindAsync("x.io", null, None);
        Assert.Equal(new RegistryCredential("u", "hunter2", "tok3n"), found!.Credential);
        Assert.DoesNotContain("hunter2", found.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("tok3n", found.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", world.Environment.ToString(), StringComparison.Ordinal);
    }
}
