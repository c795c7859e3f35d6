using System.Text;
using System.Text.Json.Nodes;
using Distill.Tests.Support;

namespace Distill.Tests.Cli;

/// <summary><c>distill login</c> / <c>distill logout</c> as users run them, with a private auth file and home.</summary>
public sealed class LoginCommandTests
{
    private const string Secret = "hunter2-Sup3r-secret";

    private sealed class Box : IDisposable
    {
        public Box()
        {
            Helper = new FakeCredentialHelper(Sandbox["helper-bin"]);
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

        public void Dispose() => Sandbox.Dispose();
    }

    private static string Decode(JsonNode? entry) => Encoding.UTF8.GetString(Convert.FromBase64String((string)entry!["auth"]!));

    [Fact]
    public async Task Login_with_password_stdin_writes_REGISTRY_AUTH_FILE_that_skopeo_reads_and_logout_removes_it()
    {
        using var box = new Box();
        var login = await Box.OkAsync(box.RunWithInputAsync(Secret + "\n", "login", "-u", "alice", "--password-stdin", "localhost:5000"));
        Assert.Equal($"Stored credentials for localhost:5000 in {box.AuthFile}\n", login.Stdout);
        Assert.Contains("not checked", login.Stderr, StringComparison.Ordinal);
        Assert.Equal($"alice:{Secret}", Decode(box.Auths()["localhost:5000"])); // one trailing newline dropped
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(box.AuthFile));
        var skopeo = await Tool.RunOkAsync(Tool.Require("skopeo", "skopeo"), ["login", "--get-login", "--authfile", box.AuthFile, "localhost:5000"]);
        Assert.Equal("alice", skopeo.Stdout.Trim());

        var logout = await Box.OkAsync(box.RunAsync("logout", "localhost:5000"));
        Assert.Equal("Removed login credentials for localhost:5000\n", logout.Stdout);
        Assert.Empty(box.Auths());
        CliSandbox.AssertOneLineError(await box.RunAsync("logout", "localhost:5000"), "not logged into localhost:5000", box.AuthFile);
        box.Sandbox.AssertNoLeftovers();
    }

    [Fact]
    public async Task Authfile_option_wins_over_REGISTRY_AUTH_FILE_and_keeps_what_else_the_file_holds()
    {
        using var box = new Box();
        var other = box.Sandbox.Temp.Write("other.json", """{"auths": {"keep.io": {"auth": "a2VlcDpw"}}, "credHelpers": {}, "future": {"x": [1]}}""");
        await Box.OkAsync(box.RunWithInputAsync("p", "login", "--authfile", other, "-u", "bob", "--password-stdin", "https://index.docker.io/v1/"));
        Assert.False(File.Exists(box.AuthFile));
        var json = JsonNode.Parse(File.ReadAllText(other))!.AsObject();
        Assert.Equal(["auths", "credHelpers", "future"], json.Select(p => p.Key));
        Assert.Equal(["keep.io", "docker.io"], json["auths"]!.AsObject().Select(p => p.Key));
        Assert.Equal("""{"x":[1]}""", json["future"]!.ToJsonString());
        await Box.OkAsync(box.RunAsync("logout", "--authfile", other, "registry-1.docker.io"));
        Assert.Equal(["keep.io"], box.Auths(other).Select(p => p.Key));
    }

    [Fact]
    public async Task Password_option_works_with_a_warning_and_never_echoes_the_password()
    {
        using var box = new Box();
        var result = await Box.OkAsync(box.RunAsync("login", "-u", "carol", "-p", Secret, "quay.io/team"));
        Assert.Contains("prefer --password-stdin", result.Stderr, StringComparison.Ordinal);
        Assert.Equal($"carol:{Secret}", Decode(box.Auths()["quay.io/team"]));
    }

    [Fact]
    public async Task Without_a_terminal_the_user_and_password_must_be_given()
    {
        using var box = new Box();
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
        using var box = new Box();
        var content = "{\"auths\": {\"x.io\": {\"auth\": \"" + Secret + "\"";
        box.Sandbox.Temp.Write("auth/auth.json", content);
        var result = await box.RunWithInputAsync(Secret, "login", "-u", "u", "--password-stdin", "x.io");
        CliSandbox.AssertOneLineError(result, box.AuthFile, "not valid JSON");
        Assert.DoesNotContain(Secret, result.All, StringComparison.Ordinal);
        CliSandbox.AssertOneLineError(await box.RunAsync("logout", "x.io"), box.AuthFile);
        Assert.Equal(content, File.ReadAllText(box.AuthFile));
    }

    [Fact]
    public async Task Login_and_logout_go_through_the_credential_helper_the_file_names()
    {
        using var box = new Box();
        var config = """{"auths": {}, "credHelpers": {"helped.io": "test"}}""";
        box.Sandbox.Temp.Write("auth/auth.json", config);
        var login = await Box.OkAsync(box.RunWithInputAsync(Secret, "login", "-u", "dave", "--password-stdin", "helped.io"));
        Assert.Contains("docker-credential-test", login.Stdout, StringComparison.Ordinal);
        Assert.Equal("dave", (string?)box.Helper.Stored("helped.io")!["Username"]);
        Assert.Equal(Secret, (string?)box.Helper.Stored("helped.io")!["Secret"]);
        Assert.Equal(config, File.ReadAllText(box.AuthFile));
        var skopeo = await Tool.RunAsync(Tool.Require("skopeo", "skopeo"), ["login", "--get-login", "--authfile", box.AuthFile, "helped.io"], env: box.Env);
        Assert.True(skopeo.ExitCode == 0, skopeo.All);
        Assert.Equal("dave", skopeo.Stdout.Trim());

        await Box.OkAsync(box.RunAsync("logout", "helped.io"));
        Assert.Null(box.Helper.Stored("helped.io"));

        Assert.Equal(0, (await box.RunWithInputAsync(Secret, "login", "-u", "dave", "--password-stdin", "fine.io")).ExitCode); // no helper for it: the file
        box.Sandbox.Temp.Write("auth/auth.json", """{"credsStore": "test"}""");
        var failed = await box.RunWithInputAsync(Secret, "login", "-u", "dave", "--password-stdin", "broken.io");
        CliSandbox.AssertOneLineError(failed, "docker-credential-test store broken.io failed");
        Assert.DoesNotContain(Secret, failed.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logout_all_empties_the_file_and_logout_names_where_other_credentials_come_from()
    {
        using var box = new Box();
        await Box.OkAsync(box.RunAsync("login", "-u", "a", "-p", "p", "a.io"));
        await Box.OkAsync(box.RunAsync("login", "-u", "b", "-p", "p", "b.io"));
        var all = await Box.OkAsync(box.RunAsync("logout", "--all"));
        Assert.Equal("Removed login credentials for all registries\n", all.Stdout);
        Assert.Empty(box.Auths());

        var dockerConfig = box.Sandbox.Temp.Write("home/.docker/config.json", """{"auths": {"https://index.docker.io/v1/": {"auth": "ZDpw"}}}""");
        CliSandbox.AssertOneLineError(await box.RunAsync("logout", "docker.io"), "not logged into docker.io", dockerConfig);
        Assert.Contains("index.docker.io", File.ReadAllText(dockerConfig), StringComparison.Ordinal);
    }
}
