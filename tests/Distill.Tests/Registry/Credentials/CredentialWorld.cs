using System.Text;
using System.Text.Json.Nodes;
using Distill.Registry.Credentials;
using Distill.Tests.Support;

namespace Distill.Tests.Registry.Credentials;

/// <summary>
/// A private world for credential tests: a temp dir with <c>home/</c>, <c>run/</c> (XDG_RUNTIME_DIR) and a fake
/// credential helper, described by a <see cref="CredentialEnvironment"/> (the process environment is never touched).
/// </summary>
internal sealed class CredentialWorld : IDisposable
{
    public CredentialWorld()
    {
        Directory.CreateDirectory(Temp["home"]);
        Directory.CreateDirectory(Temp["run"]);
        Helper = new FakeCredentialHelper(Temp["helper-bin"]);
        Environment = new CredentialEnvironment { Home = Temp["home"], XdgRuntimeDir = Temp["run"], Path = Helper.SearchPath, UserId = 4242 };
    }

    public TempDir Temp { get; } = new();

    public FakeCredentialHelper Helper { get; }

    public CredentialEnvironment Environment { get; set; }

    public DockerCredentialStore Store => new(Environment);

    public string RuntimeAuthFile => Temp["run/containers/auth.json"];

    public string DockerConfigFile => Temp["home/.docker/config.json"];

    public string ConfigHomeAuthFile => Temp["home/.config/containers/auth.json"];

    public static string Auth(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    /// <summary>Writes an auth file whose <c>auths</c> map each key to <c>user:password</c> (relative paths land in the temp dir).</summary>
    public string WriteAuths(string path, params (string Key, string User, string Password)[] entries)
    {
        var auths = new JsonObject();
        foreach (var (key, user, password) in entries)
            auths[key] = new JsonObject { ["auth"] = Auth(user, password) };
        return WriteJson(path, new JsonObject { ["auths"] = auths });
    }

    public string WriteJson(string path, JsonNode json) => Write(path, json.ToJsonString());

    public string Write(string path, string text)
    {
        var full = Path.IsPathRooted(path) ? path : Temp[path];
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return full;
    }

    public static JsonObject ReadJson(string path) => JsonNode.Parse(File.ReadAllText(path))!.AsObject();

    public async Task<string?> UserOfAsync(string host, string? repository = null) =>
        (await Store.GetAsync(host, repository, CancellationToken.None))?.Username;

    public void Dispose() => Temp.Dispose();
}
