using System.Text;
using System.Text.Json.Nodes;
using Distill.Registry;
using Distill.Registry.Credentials;
using Distill.Tests.Support;

namespace Distill.Tests.Cli;

/// <summary>
/// <c>distill login</c> / <c>distill logout</c> as users run them, with a private auth file and home. Login checks the
/// credential against the registry (<c>GET /v2/</c>), so every login goes to a real loopback <see cref="RegistryServer"/>
/// whose password is <see cref="Secret"/>; only argument errors, which fail before any network use, name fake hosts.
/// </summary>
public sealed class LoginCommandTests
{
    private const string Secret = "hunter2-Sup3r-secret";

    private sealed class Box : IAsyncDisposable
    {
        private Box(RegistryServer? registry)
        {
            Registry = registry;
            // the helper fails for localhost:PORT (and "broken" hosts), so a failing helper can be shown with a real registry
            Helper = new FakeCredentialHelper(Sandbox["helper-bin"], failOn: "*broken*|localhost:*");
            Env = new Dictionary<string, string>
            {
                ["REGISTRY_AUTH_FILE"] = AuthFile,
                ["HOME"] = Sandbox["home"],
                ["XDG_CONFIG_HOME"] = Sandbox["home/.config"],
                ["XDG_RUNTIME_DIR"] = Sandbox["run"],
                ["DOCKER_CONFIG"] = Sandbox["home/.docker"],
                ["PATH"] = Helper.SearchPath,
            };
            Directory.CreateDirectory(Sandbox["run"]);
        }

        /// <summary>A box with a registry that lets <c>alice</c> in with <see cref="Secret"/> (no registry for argument-error tests).</summary>
        public static async Task<Box> CreateAsync(RegistryAuth? auth = RegistryAuth.Htpasswd) =>
            new(auth is { } a ? await RegistryServer.StartAsync(new RegistryServerOptions { Auth = a, Username = "alice", Password = Secret }) : null);

        public RegistryServer? Registry { get; }

        /// <summary><c>127.0.0.1:PORT</c> of the registry.</summary>
        public string Host => Registry!.Host;

        /// <summary>The same registry spelled <c>localhost:PORT</c>: another auth key.</summary>
        public string LocalhostHost => "localhost:" + Host.Split(':')[1];

        public CliSandbox Sandbox { get; } = new();
        public FakeCredentialHelper Helper { get; }
        public Dictionary<string, string> Env { get; }
        public string AuthFile => Sandbox["auth/auth.json"];

        public Task<Tool.Result> RunAsync(params string[] args) => Sandbox.Cli.RunAsync(args, Env);

        public Task<Tool.Result> RunWithInputAsync(string stdin, params string[] args) => Sandbox.Cli.RunWithInputAsync(stdin, args, Env);

        public static async Task<Tool.Result> OkAsync(Task<Tool.Result> run)
        {
            var result = await run;
            Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}:\n{result.All}");
            Assert.DoesNotContain(Secret, result.All, StringComparison.Ordinal);
            return result;
        }

        public JsonObject Auths(string? file = null) => JsonNode.Parse(File.ReadAllText(file ?? AuthFile))!["auths"]!.AsObject();

        public async ValueTask DisposeAsync()
        {
            if (Registry is not null)
                await Registry.DisposeAsync();
            Sandbox.Dispose();
        }
    }

    private static string Decode(JsonNode? entry) => Encoding.UTF8.GetString(Convert.FromBase64String((string)entry!["auth"]!));

    [Fact]
    public async Task Login_with_password_stdin_writes_REGISTRY_AUTH_FILE_that_skopeo_reads_and_logout_removes_it()
    {
        await using var box = await Box.CreateAsync();
        var login = await Box.OkAsync(box.RunWithInputAsync(Secret + "\n", "login", "-u", "alice", "--password-stdin", box.Host));
        Assert.Equal($"Stored credentials for {box.Host} in {box.AuthFile}\nLogin Succeeded!\n", login.Stdout);
        Assert.DoesNotContain("not checked", login.Stderr, StringComparison.Ordinal);
        Assert.Equal($"alice:{Secret}", Decode(box.Auths()[box.Host])); // one trailing newline dropped
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(box.AuthFile));
        var skopeo = await Tool.RunOkAsync(Tool.Require("skopeo", "skopeo"), ["login", "--get-login", "--authfile", box.AuthFile, box.Host]);
        Assert.Equal("alice", skopeo.Stdout.Trim());

        var logout = await Box.OkAsync(box.RunAsync("logout", box.Host));
        Assert.Equal($"Removed login credentials for {box.Host}\n", logout.Stdout);
        Assert.Empty(box.Auths());
        CliSandbox.AssertOneLineError(await box.RunAsync("logout", box.Host), $"not logged into {box.Host}", box.AuthFile);
        box.Sandbox.AssertNoLeftovers();
    }

    [Fact]
    public async Task Login_to_a_token_registry_answers_the_challenge_through_the_token_server()
    {
        await using var box = await Box.CreateAsync(RegistryAuth.Token);
        var login = await Box.OkAsync(box.RunWithInputAsync(Secret, "login", "-u", "alice", "--password-stdin", box.Host));
        Assert.EndsWith("Login Succeeded!\n", login.Stdout, StringComparison.Ordinal);
        Assert.Equal($"alice:{Secret}", Decode(box.Auths()[box.Host]));
        Assert.Contains(box.Registry!.TokenServer!.Requests, r => r.User == "alice" && r.Status == 200);
        var skopeo = await Tool.RunOkAsync(Tool.Require("skopeo", "skopeo"), ["login", "--get-login", "--authfile", box.AuthFile, box.Host]);
        Assert.Equal("alice", skopeo.Stdout.Trim());
    }

    [Theory]
    [InlineData(RegistryAuth.Htpasswd)]
    [InlineData(RegistryAuth.Token)]
    public async Task A_wrong_password_is_refused_with_one_line_naming_the_registry_and_the_auth_file_is_unchanged(RegistryAuth auth)
    {
        await using var box = await Box.CreateAsync(auth);
        const string wrong = "not-the-Secret-42";
        var before = box.Sandbox.Temp.Write("auth/auth.json", """{"auths": {"keep.io": {"auth": "a2VlcDpw"}}}""");
        var content = File.ReadAllBytes(before);
        var result = await box.RunWithInputAsync(wrong, "login", "-u", "alice", "--password-stdin", box.Host);
        CliSandbox.AssertOneLineError(result, "unauthorized", box.Host);
        Assert.DoesNotContain(wrong, result.All, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllBytes(box.AuthFile));
        box.Sandbox.AssertNoLeftovers();
    }

    [Fact]
    public async Task Authfile_option_wins_over_REGISTRY_AUTH_FILE_and_keeps_what_else_the_file_holds()
    {
        await using var box = await Box.CreateAsync();
        var other = box.Sandbox.Temp.Write("other.json", """{"auths": {"keep.io": {"auth": "a2VlcDpw"}}, "credHelpers": {}, "future": {"x": [1]}}""");
        await Box.OkAsync(box.RunWithInputAsync(Secret, "login", "--authfile", other, "-u", "alice", "--password-stdin", box.Host));
        Assert.False(File.Exists(box.AuthFile));
        var json = JsonNode.Parse(File.ReadAllText(other))!.AsObject();
        Assert.Equal(["auths", "credHelpers", "future"], json.Select(p => p.Key));
        Assert.Equal(["keep.io", box.Host], json["auths"]!.AsObject().Select(p => p.Key));
        Assert.Equal("""{"x":[1]}""", json["future"]!.ToJsonString());
        await Box.OkAsync(box.RunAsync("logout", "--authfile", other, box.Host));
        Assert.Equal(["keep.io"], box.Auths(other).Select(p => p.Key));
    }

    /// <summary>Docker Hub's spellings (no Hub here to log into, so at library level): one key, <c>docker.io</c>, for all of them.</summary>
    [Fact]
    public async Task Docker_Hub_spellings_store_and_erase_one_docker_io_key_keeping_the_rest_of_the_file()
    {
        using var temp = new TempDir();
        var other = temp.Write("other.json", """{"auths": {"keep.io": {"auth": "a2VlcDpw"}}, "credHelpers": {}, "future": {"x": [1]}}""");
        var store = new DockerCredentialStore(new CredentialEnvironment { RegistryAuthFile = other, Home = temp["home"], XdgRuntimeDir = temp["run"], UserId = 4242 });
        Assert.Equal(other, await store.StoreAsync("https://index.docker.io/v1/", new RegistryCredential("bob", "p"), CancellationToken.None));
        var json = JsonNode.Parse(File.ReadAllText(other))!.AsObject();
        Assert.Equal(["auths", "credHelpers", "future"], json.Select(p => p.Key));
        Assert.Equal(["keep.io", "docker.io"], json["auths"]!.AsObject().Select(p => p.Key));
        Assert.Equal("""{"x":[1]}""", json["future"]!.ToJsonString());
        foreach (var spelling in new[] { "docker.io", "registry-1.docker.io", "index.docker.io" })
        {
            var found = await store.FindAsync(spelling, "library/ubuntu", CancellationToken.None);
            Assert.True(found is not null, spelling);
            Assert.Equal(("bob", other), (found.Credential.Username, found.Source));
        }
        Assert.True(await store.EraseAsync("registry-1.docker.io", CancellationToken.None));
        Assert.Equal(["keep.io"], JsonNode.Parse(File.ReadAllText(other))!["auths"]!.AsObject().Select(p => p.Key));
        Assert.Null(await store.FindAsync("docker.io", null, CancellationToken.None));
    }

    [Fact]
    public async Task Password_option_works_with_a_warning_and_never_echoes_the_password()
    {
        await using var box = await Box.CreateAsync();
        var scoped = box.Host + "/team";
        var result = await Box.OkAsync(box.RunAsync("login", "-u", "alice", "-p", Secret, scoped));
        Assert.Contains("prefer --password-stdin", result.Stderr, StringComparison.Ordinal);
        Assert.Equal($"alice:{Secret}", Decode(box.Auths()[scoped]));
    }

    [Fact]
    public async Task Without_a_terminal_the_user_and_password_must_be_given()
    {
        await using var box = await Box.CreateAsync(auth: null);
        CliSandbox.AssertOneLineError(await box.RunAsync("login", "x.io"), "--username");
        CliSandbox.AssertOneLineError(await box.RunAsync("login", "-u", "u", "x.io"), "--password-stdin");
        CliSandbox.AssertOneLineError(await box.RunWithInputAsync("p", "login", "--password-stdin", "x.io"), "--password-stdin needs --username");
        CliSandbox.AssertOneLineError(await box.RunWithInputAsync("p", "login", "-u", "u", "-p", "p", "--password-stdin", "x.io"), "exclude each other");
        CliSandbox.AssertOneLineError(await box.RunWithInputAsync("\n", "login", "-u", "u", "--password-stdin", "x.io"), "password is empty");
        CliSandbox.AssertOneLineError(await box.RunAsync("login", "-u", "u", "-p", "p", "x.io/app:latest"), "x.io/app:latest");
        CliSandbox.AssertOneLineError(await box.RunAsync("logout"), "--all");
        CliSandbox.AssertOneLineError(await box.RunAsync("logout", "--all", "x.io"), "--all");
        Assert.False(File.Exists(box.AuthFile));
    }

    [Fact]
    public async Task A_malformed_auth_file_is_a_one_line_error_naming_it_and_is_left_alone()
    {
        await using var box = await Box.CreateAsync();
        var content = "{\"auths\": {\"" + box.Host + "\": {\"auth\": \"" + Secret + "\"";
        box.Sandbox.Temp.Write("auth/auth.json", content);
        var result = await box.RunWithInputAsync(Secret, "login", "-u", "alice", "--password-stdin", box.Host);
        CliSandbox.AssertOneLineError(result, box.AuthFile, "not valid JSON");
        Assert.DoesNotContain(Secret, result.All, StringComparison.Ordinal);
        CliSandbox.AssertOneLineError(await box.RunAsync("logout", box.Host), box.AuthFile);
        Assert.Equal(content, File.ReadAllText(box.AuthFile));
    }

    [Fact]
    public async Task Login_and_logout_go_through_the_credential_helper_the_file_names()
    {
        await using var box = await Box.CreateAsync();
        var config = "{\"auths\": {}, \"credHelpers\": {\"" + box.Host + "\": \"test\"}}";
        box.Sandbox.Temp.Write("auth/auth.json", config);
        var login = await Box.OkAsync(box.RunWithInputAsync(Secret, "login", "-u", "alice", "--password-stdin", box.Host));
        Assert.Contains("docker-credential-test", login.Stdout, StringComparison.Ordinal);
        Assert.Equal("alice", (string?)box.Helper.Stored(box.Host)!["Username"]);
        Assert.Equal(Secret, (string?)box.Helper.Stored(box.Host)!["Secret"]);
        Assert.Equal(config, File.ReadAllText(box.AuthFile));
        var skopeo = await Tool.RunAsync(Tool.Require("skopeo", "skopeo"), ["login", "--get-login", "--authfile", box.AuthFile, box.Host], env: box.Env);
        Assert.True(skopeo.ExitCode == 0, skopeo.All);
        Assert.Equal("alice", skopeo.Stdout.Trim());

        await Box.OkAsync(box.RunAsync("logout", box.Host));
        Assert.Null(box.Helper.Stored(box.Host));

        // the same registry as localhost:PORT: no helper for that key, so the file
        var fine = await box.RunWithInputAsync(Secret, "login", "-u", "alice", "--password-stdin", box.LocalhostHost);
        Assert.True(fine.ExitCode == 0, fine.All);
        Assert.Equal($"alice:{Secret}", Decode(box.Auths()[box.LocalhostHost]));
        box.Sandbox.Temp.Write("auth/auth.json", """{"credsStore": "test"}""");
        var failed = await box.RunWithInputAsync(Secret, "login", "-u", "alice", "--password-stdin", box.LocalhostHost);
        CliSandbox.AssertOneLineError(failed, $"docker-credential-test store {box.LocalhostHost} failed");
        Assert.DoesNotContain(Secret, failed.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logout_all_empties_the_file_and_logout_names_where_other_credentials_come_from()
    {
        await using var box = await Box.CreateAsync();
        await Box.OkAsync(box.RunAsync("login", "-u", "alice", "-p", Secret, box.Host));
        await Box.OkAsync(box.RunAsync("login", "-u", "alice", "-p", Secret, box.Host + "/team"));
        Assert.Equal(2, box.Auths().Count);
        var all = await Box.OkAsync(box.RunAsync("logout", "--all"));
        Assert.Equal("Removed login credentials for all registries\n", all.Stdout);
        Assert.Empty(box.Auths());

        var dockerConfig = box.Sandbox.Temp.Write("home/.docker/config.json", """{"auths": {"https://index.docker.io/v1/": {"auth": "ZDpw"}}}""");
        CliSandbox.AssertOneLineError(await box.RunAsync("logout", "docker.io"), "not logged into docker.io", dockerConfig);
        Assert.Contains("index.docker.io", File.ReadAllText(dockerConfig), StringComparison.Ordinal);
    }
}
