using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Distill.Registry.Credentials;

/// <summary>
/// One auth file (containers-auth.json(5) / docker's <c>config.json</c>) as a JSON tree, so a rewrite keeps every
/// field it does not know. Lookups and edits go through normalised keys (<see cref="AuthKeys"/>). Errors are
/// one line naming the file, never a secret.
/// </summary>
internal sealed class AuthFile
{
    private const UnixFileMode FileMode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode DirectoryMode0700 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly JsonObject _root;

    private AuthFile(string path, bool legacy, JsonObject root)
    {
        Path = path;
        Legacy = legacy;
        _root = root;
    }

    public string Path { get; }

    public bool Legacy { get; }

    /// <summary>The file, or null when it does not exist.</summary>
    public static AuthFile? TryLoad(AuthFileSource source)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(source.Path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CredentialException($"cannot read auth file {source.Path}: {e.Message}", e);
        }
        return Parse(source, bytes);
    }

    /// <summary>The file to edit: its contents, or an empty one when it does not exist yet.</summary>
    public static AuthFile LoadForWrite(string path) =>
        TryLoad(new AuthFileSource(path)) ?? new AuthFile(path, legacy: false, new JsonObject());

    private static AuthFile Parse(AuthFileSource source, byte[] bytes)
    {
        if (bytes.AsSpan().Trim((byte)' ').Trim("\r\n\t"u8).IsEmpty)
            return new AuthFile(source.Path, source.Legacy, new JsonObject()); // podman treats an empty file as no credentials
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            // not e.Message: it can quote the text around the error, and the text holds secrets
            var what = e.Message.Contains("uplicate", StringComparison.Ordinal) ? "a key appears twice" : "not valid JSON";
            throw new CredentialException($"invalid auth file {source.Path}: {what} (line {e.LineNumber + 1})", e);
        }
        if (node is not JsonObject root)
            throw new CredentialException($"invalid auth file {source.Path}: expected a JSON object");
        var file = new AuthFile(source.Path, source.Legacy, root);
        if (!source.Legacy)
        {
            if (root["auths"] is { } auths && auths is not JsonObject)
                throw file.Invalid("\"auths\" is not an object");
            if (root["credHelpers"] is { } helpers && (helpers is not JsonObject map || map.Any(p => !IsString(p.Value))))
                throw file.Invalid("\"credHelpers\" is not an object of helper names");
            if (root["credsStore"] is { } store && !IsString(store))
                throw file.Invalid("\"credsStore\" is not a string");
        }
        return file;
    }

    private static bool IsString(JsonNode? node) => node is JsonValue value && value.GetValueKind() == JsonValueKind.String;

    private CredentialException Invalid(string what) => new($"invalid auth file {Path}: {what}");

    private JsonObject? Auths => Legacy ? _root : _root["auths"] as JsonObject;

    private JsonObject? CredHelpers => Legacy ? null : _root["credHelpers"] as JsonObject;

    /// <summary><c>credsStore</c>: the helper for every registry without its own in <c>credHelpers</c>.</summary>
    public string? CredsStore => Legacy ? null : (string?)_root["credsStore"] is { Length: > 0 } name ? name : null;

    /// <summary>The credential helper this file names for a host (<c>credHelpers</c>, else <c>credsStore</c>), or null.</summary>
    public string? HelperFor(string host)
    {
        host = AuthKeys.NormalizeHost(host);
        if (CredHelpers is { } helpers)
        {
            foreach (var (key, value) in helpers)
            {
                if (AuthKeys.NormalizeKey(key) == host && (string?)value is { Length: > 0 } name)
                    return name;
            }
        }
        return CredsStore;
    }

    /// <summary>Every host with its own helper in <c>credHelpers</c>.</summary>
    public IEnumerable<(string Host, string Helper)> HelperEntries() =>
        CredHelpers is { } helpers
            ? helpers.Where(p => (string?)p.Value is { Length: > 0 }).Select(p => (AuthKeys.NormalizeKey(p.Key), (string)p.Value!)).ToList()
            : [];

    /// <summary>Every key of <c>auths</c>, normalised.</summary>
    public IReadOnlyList<string> Keys() => Auths is { } auths ? auths.Select(p => AuthKeys.NormalizeKey(p.Key, Legacy)).Distinct().ToList() : [];

    /// <summary>The credential of the first key (in order) that has one; entries without any (<c>{}</c>) are passed over.</summary>
    public RegistryCredential? Find(IReadOnlyList<string> keys)
    {
        foreach (var key in keys)
        {
            foreach (var (rawKey, entry) in EntriesFor(key))
            {
                if (Decode(rawKey, entry) is { } credential)
                    return credential;
            }
        }
        return null;
    }

    /// <summary>The raw entries whose key normalises to <paramref name="key"/>: the exact spelling first, then file order.</summary>
    private List<(string RawKey, JsonNode? Entry)> EntriesFor(string key)
    {
        if (Auths is not { } auths)
            return [];
        return auths.Where(p => AuthKeys.NormalizeKey(p.Key, Legacy) == key)
            .OrderBy(p => p.Key == key ? 0 : 1)
            .Select(p => (p.Key, p.Value))
            .ToList();
    }

    private RegistryCredential? Decode(string rawKey, JsonNode? entry)
    {
        if (entry is not JsonObject fields)
            throw Invalid($"the entry for \"{rawKey}\" is not an object");
        string? Field(string name) => fields[name] switch
        {
            null => null,
            var v when IsString(v) => (string?)v is { Length: > 0 } s ? s : null,
            _ => throw Invalid($"\"{name}\" of \"{rawKey}\" is not a string"),
        };
        string? username = Field("username"), password = Field("password");
        if (Field("auth") is { } auth)
        {
            string decoded;
            try
            {
                decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(auth));
            }
            catch (Exception e) when (e is FormatException or DecoderFallbackException)
            {
                throw new CredentialException($"invalid auth file {Path}: \"auth\" of \"{rawKey}\" is not base64 of user:password", e);
            }
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
                throw Invalid($"\"auth\" of \"{rawKey}\" is not base64 of user:password");
            (username, password) = (decoded[..colon], decoded[(colon + 1)..]);
        }
        var token = Field("identitytoken");
        if (string.IsNullOrEmpty(username) && string.IsNullOrEmpty(password) && token is null)
            return null;
        return new RegistryCredential(NullIfEmpty(username), NullIfEmpty(password), token);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>
    /// Sets the credential for a normalised key: an existing entry for it (in whichever spelling, so docker still finds
    /// <c>https://index.docker.io/v1/</c>) is updated in place, keeping its other fields; other spellings are removed.
    /// </summary>
    public void Set(string key, RegistryCredential credential)
    {
        if (Legacy)
            throw new InvalidOperationException("legacy .dockercfg files are read-only");
        if (_root["auths"] is not JsonObject auths)
            _root["auths"] = auths = new JsonObject();
        var existing = EntriesFor(key);
        var entry = existing.Count > 0 && existing[0].Entry is JsonObject kept ? kept : new JsonObject();
        var rawKey = existing.Count > 0 ? existing[0].RawKey : key;
        foreach (var (other, _) in existing.Skip(1))
            auths.Remove(other);
        entry.Remove("username");
        entry.Remove("password");
        entry.Remove("identitytoken");
        entry.Remove("auth");
        if (credential.Username is not null || credential.Password is not null)
            entry["auth"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}"));
        if (credential.IdentityToken is not null)
            entry["identitytoken"] = credential.IdentityToken;
        if (existing.Count == 0)
            auths[rawKey] = entry;
    }

    /// <summary>Removes every entry whose key normalises to <paramref name="key"/>; true when there was one.</summary>
    public bool Remove(string key)
    {
        var existing = EntriesFor(key);
        foreach (var (rawKey, _) in existing)
            Auths!.Remove(rawKey);
        return existing.Count > 0;
    }

    /// <summary>Empties <c>auths</c> (other fields, <c>credHelpers</c> included, are kept).</summary>
    public void RemoveAll() => Auths?.Clear();

    /// <summary>
    /// Writes the file atomically: a temp file (0600) beside it, flushed, renamed over it. Missing parent
    /// directories are created 0700. A symlinked file is written through the link.
    /// </summary>
    public async Task SaveAsync(CancellationToken ct)
    {
        if (Legacy)
            throw new InvalidOperationException("legacy .dockercfg files are read-only");
        var target = Path;
        try
        {
            if (File.ResolveLinkTarget(target, returnFinalTarget: true) is { } link)
                target = link.FullName;
        }
        catch (IOException)
        {
            // a dangling or looping link: replace it like any other file
        }
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(target))!;
        var temp = System.IO.Path.Combine(directory, $".tmp-{System.IO.Path.GetFileName(target)}-{Guid.NewGuid():N}");
        try
        {
            CreatePrivateDirectories(directory);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = FileMode0600 };
            await using (var stream = new FileStream(temp, options))
            {
                await using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, IndentCharacter = '\t', IndentSize = 1 }))
                    _root.WriteTo(writer);
                await stream.WriteAsync("\n"u8.ToArray(), ct);
                await stream.FlushAsync(ct);
                stream.Flush(flushToDisk: true);
            }
            File.SetUnixFileMode(temp, FileMode0600); // whatever the umask
            File.Move(temp, target, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new CredentialException($"cannot write auth file {Path}: {e.Message}", e);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Creates the missing directories of a path, each 0700 (<c>Directory.CreateDirectory(path, mode)</c> gives the mode to the last only).</summary>
    private static void CreatePrivateDirectories(string directory)
    {
        var missing = new Stack<string>();
        for (var d = directory; !string.IsNullOrEmpty(d) && !Directory.Exists(d); d = System.IO.Path.GetDirectoryName(d))
            missing.Push(d);
        while (missing.TryPop(out var d))
            Directory.CreateDirectory(d, DirectoryMode0700);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
