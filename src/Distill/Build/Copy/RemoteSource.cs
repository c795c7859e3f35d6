using System.Net.Http.Headers;
using System.Security.Cryptography;
using Distill.Oci;

namespace Distill.Build;

/// <summary>
/// ADD from an http(s) URL as BuildKit's http source: the file is named after the last element of the URL path
/// (<c>__unnamed__</c> when there is none), written 0600 with the Last-Modified time, and checked against
/// <c>--checksum</c>. Git URLs are recognised and refused.
/// </summary>
internal static class RemoteSource
{
    public static bool IsUrl(string source) =>
        source.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || source.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
        || IsGit(source);

    /// <summary>BuildKit's git detection for ADD: git transports, and http(s) URLs of a <c>.git</c> repository (a <c>#ref</c> fragment allowed).</summary>
    public static bool IsGit(string source)
    {
        if (source.StartsWith("git://", StringComparison.Ordinal) || source.StartsWith("git@", StringComparison.Ordinal)
            || source.StartsWith("ssh://", StringComparison.Ordinal))
            return true;
        if (!Uri.TryCreate(source, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return false;
        return uri.AbsolutePath.EndsWith(".git", StringComparison.Ordinal) || uri.AbsolutePath.EndsWith(".git/", StringComparison.Ordinal);
    }

    public static string FileName(string url)
    {
        var path = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.AbsolutePath : "";
        var trimmed = path.TrimEnd('/');
        var name = trimmed[(trimmed.LastIndexOf('/') + 1)..];
        return path.Length == 0 || name.Length == 0 || name == "." ? "__unnamed__" : Uri.UnescapeDataString(name);
    }

    /// <summary>Downloads <paramref name="url"/> into <paramref name="directory"/> and returns the file's name there.</summary>
    public static async Task<string> DownloadAsync(string url, string? checksum, HttpClient? http, string directory, CancellationToken ct)
    {
        if (http is null)
            throw new CopyFailedException($"cannot download {url}: no HTTP client");
        var name = FileName(url);
        var path = Path.Combine(directory, name);
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
        if (!response.IsSuccessStatusCode)
            throw new CopyFailedException($"failed to load cache key: invalid response status {(int)response.StatusCode}");
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using (var body = await response.Content.ReadAsStreamAsync(ct))
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        {
            var buffer = new byte[1 << 16];
            int n;
            while ((n = await body.ReadAsync(buffer, ct)) > 0)
            {
                sha.AppendData(buffer, 0, n);
                await file.WriteAsync(buffer.AsMemory(0, n), ct);
            }
        }
        var actual = "sha256:" + Convert.ToHexStringLower(sha.GetHashAndReset());
        if (checksum is not null && !string.Equals(Digest.Parse(checksum).ToString(), actual, StringComparison.Ordinal))
            throw new CopyFailedException($"digest mismatch {checksum}: {actual}");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        if (LastModified(response.Content.Headers) is { } modified)
            CopyNative.SetTimes(path, modified.ToUnixTimeSeconds(), 0);
        return name;
    }

    private static DateTimeOffset? LastModified(HttpContentHeaders headers) => headers.LastModified;
}
