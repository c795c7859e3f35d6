using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Distill.Registry.Credentials;

/// <summary>
/// A docker credential helper, <c>docker-credential-NAME</c> on <c>PATH</c>, spoken to as docker does: the action
/// (<c>get</c>, <c>store</c>, <c>erase</c>) as the argument, the server URL (or for <c>store</c> the JSON
/// <c>{"ServerURL","Username","Secret"}</c>) on stdin; <c>get</c> answers that JSON, with Username
/// <c>&lt;token&gt;</c> when Secret is an identity token. "credentials not found" means there are none.
/// Failures are one line naming the helper, with any secret it echoed masked.
/// </summary>
internal sealed class CredentialHelper
{
    private const string TokenUsername = "<token>";
    private const string NotFound = "credentials not found";

    private readonly CredentialEnvironment _environment;

    public CredentialHelper(string name, CredentialEnvironment environment)
    {
        if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name.Any(char.IsWhiteSpace))
            throw new CredentialException($"invalid credential helper name \"{name}\"");
        Name = name;
        _environment = environment;
    }

    public string Name { get; }

    public string Program => "docker-credential-" + Name;

    /// <summary>The credential for <paramref name="serverUrl"/>, or null when the helper has none.</summary>
    public async Task<RegistryCredential?> GetAsync(string serverUrl, CancellationToken ct)
    {
        var (exit, stdout, stderr) = await RunAsync("get", serverUrl, ct);
        if (exit != 0)
        {
            if (IsNotFound(stdout) || IsNotFound(stderr))
                return null;
            throw Failed("get", serverUrl, exit, stdout, stderr, []);
        }
        string? username, secret;
        try
        {
            using var json = JsonDocument.Parse(stdout);
            username = Text(json.RootElement, "Username");
            secret = Text(json.RootElement, "Secret");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new CredentialException($"credential helper {Program} get {serverUrl}: the answer is not the expected JSON", e);
        }
        if (string.IsNullOrEmpty(secret) && string.IsNullOrEmpty(username))
            return null;
        return username == TokenUsername
            ? new RegistryCredential(null, null, secret)
            : new RegistryCredential(NullIfEmpty(username), NullIfEmpty(secret));
    }

    public async Task StoreAsync(string serverUrl, RegistryCredential credential, CancellationToken ct)
    {
        var token = credential.IdentityToken is not null && credential.Password is null;
        using var buffer = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("ServerURL", serverUrl);
            writer.WriteString("Username", token ? TokenUsername : credential.Username ?? "");
            writer.WriteString("Secret", token ? credential.IdentityToken : credential.Password ?? "");
            writer.WriteEndObject();
        }
        var (exit, stdout, stderr) = await RunAsync("store", Encoding.UTF8.GetString(buffer.ToArray()), ct);
        if (exit != 0)
            throw Failed("store", serverUrl, exit, stdout, stderr, [credential.Password, credential.IdentityToken]);
    }

    /// <summary>Erases the credential; false when the helper had none.</summary>
    public async Task<bool> EraseAsync(string serverUrl, CancellationToken ct)
    {
        var (exit, stdout, stderr) = await RunAsync("erase", serverUrl, ct);
        if (exit == 0)
            return true;
        if (IsNotFound(stdout) || IsNotFound(stderr))
            return false;
        throw Failed("erase", serverUrl, exit, stdout, stderr, []);
    }

    private static bool IsNotFound(string output) => output.Contains(NotFound, StringComparison.OrdinalIgnoreCase);

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.GetString() : null;

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private CredentialException Failed(string action, string serverUrl, int exit, string stdout, string stderr, string?[] secrets)
    {
        var said = (stderr.Trim().Length > 0 ? stderr : stdout).Trim().Split('\n')[0].Trim();
        foreach (var secret in secrets)
        {
            if (!string.IsNullOrEmpty(secret))
                said = said.Replace(secret, "***", StringComparison.Ordinal);
        }
        return new CredentialException($"credential helper {Program} {action} {serverUrl} failed (exit {exit})" + (said.Length > 0 ? $": {said}" : ""));
    }

    private string Locate()
    {
        foreach (var directory in (_environment.Path ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = System.IO.Path.Combine(directory, Program);
            if (File.Exists(candidate) && (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0)
                return candidate;
        }
        throw new CredentialException($"credential helper {Program} is not on PATH");
    }

    private async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string action, string input, CancellationToken ct)
    {
        var info = new ProcessStartInfo(Locate())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(action);
        if (_environment.Path is not null)
            info.Environment["PATH"] = _environment.Path;
        using var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new CredentialException($"cannot run credential helper {Program}: {e.Message}", e);
        }
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        try
        {
            await process.StandardInput.WriteAsync(input.AsMemory(), ct);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // the helper exited without reading: its exit code says why
        }
        try
        {
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
