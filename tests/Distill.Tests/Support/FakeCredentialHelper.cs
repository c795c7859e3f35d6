using System.Text.Json.Nodes;

namespace Distill.Tests.Support;

/// <summary>
/// <c>docker-credential-NAME</c>, a shell script in its own directory (put it first on PATH) that speaks the
/// docker-credential-helpers protocol and keeps credentials as files beside it. Every call is logged as
/// <c>ACTION URL</c>. A server URL matching <c>failOn</c> (a shell pattern, default: containing <c>broken</c>) makes it
/// fail, echoing its whole input (secrets included) on stderr, as a careless helper might.
/// </summary>
public sealed class FakeCredentialHelper
{
    private const string Script = """
        #!/bin/sh
        here="$(dirname "$0")"
        mkdir -p "$here/store"
        input=$(cat)
        case "$1" in
          store) url=$(printf '%s' "$input" | sed -n 's/.*"ServerURL" *: *"\([^"]*\)".*/\1/p') ;;
          *) url="$input" ;;
        esac
        echo "$1 $url" >> "$here/calls.log"
        case "$url" in @FAILON@) echo "helper exploded; input was: $input" >&2; exit 1 ;; esac
        f="$here/store/$(printf '%s' "$url" | tr '/:' '__')"
        case "$1" in
          get) if [ -f "$f" ]; then cat "$f"; else echo "credentials not found in native keychain"; exit 1; fi ;;
          store) printf '%s' "$input" > "$f" ;;
          erase) if [ -f "$f" ]; then rm "$f"; else echo "credentials not found in native keychain"; exit 1; fi ;;
          *) echo "unknown action $1" >&2; exit 1 ;;
        esac
        """;

    public FakeCredentialHelper(string directory, string name = "test", string failOn = "*broken*")
    {
        Directory = directory;
        Name = name;
        System.IO.Directory.CreateDirectory(directory);
        var path = System.IO.Path.Combine(directory, "docker-credential-" + name);
        File.WriteAllText(path, Script.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("@FAILON@", failOn, StringComparison.Ordinal) + "\n");
        File.SetUnixFileMode(path, (UnixFileMode)0x1ed);
    }

    public string Directory { get; }

    public string Name { get; }

    /// <summary>PATH with this helper's directory first.</summary>
    public string SearchPath => $"{Directory}:/usr/local/bin:/usr/bin:/bin";

    /// <summary>The calls made so far, <c>ACTION URL</c>.</summary>
    public IReadOnlyList<string> Calls
    {
        get
        {
            var log = System.IO.Path.Combine(Directory, "calls.log");
            return File.Exists(log) ? File.ReadAllLines(log) : [];
        }
    }

    /// <summary>Puts a credential in the helper's store, as its <c>store</c> would.</summary>
    public void Seed(string serverUrl, string username, string secret)
    {
        System.IO.Directory.CreateDirectory(System.IO.Path.Combine(Directory, "store"));
        var json = new JsonObject { ["ServerURL"] = serverUrl, ["Username"] = username, ["Secret"] = secret };
        File.WriteAllText(StorePath(serverUrl), json.ToJsonString());
    }

    /// <summary>What the helper holds for a URL, or null.</summary>
    public JsonObject? Stored(string serverUrl) =>
        File.Exists(StorePath(serverUrl)) ? JsonNode.Parse(File.ReadAllText(StorePath(serverUrl)))!.AsObject() : null;

    private string StorePath(string serverUrl) =>
        System.IO.Path.Combine(Directory, "store", serverUrl.Replace('/', '_').Replace(':', '_'));
}
