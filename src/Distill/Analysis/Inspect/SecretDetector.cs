using System.Text;

namespace Distill.Analysis.Inspect;

/// <summary>
/// Secret lookalikes by name (SSH keys, <c>.env</c>, cloud and registry credential files) and, for a few small
/// candidates read while the layer streams by, by content: PEM private keys in <c>*.pem</c>/<c>*.key</c>, an
/// <c>_authToken</c> in <c>.npmrc</c>, a <c>private_key</c> in JSON (Google Cloud service account keys). Meant to flag
/// what should never ship in an image, not to prove a secret is live.
/// </summary>
public static class SecretDetector
{
    /// <summary>Candidates larger than this are judged by name only.</summary>
    public const int ContentLimit = 1 << 20;

    private const int JsonLimit = 64 << 10;

    private static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        ["id_rsa"] = "SSH private key",
        ["id_dsa"] = "SSH private key",
        ["id_ecdsa"] = "SSH private key",
        ["id_ed25519"] = "SSH private key",
        ["id_ecdsa_sk"] = "SSH private key",
        ["id_ed25519_sk"] = "SSH private key",
        [".git-credentials"] = "git credentials",
        [".netrc"] = "netrc credentials",
        ["_netrc"] = "netrc credentials",
        [".env"] = "environment file",
    };

    private static readonly (string Suffix, string Detail)[] Suffixes =
    [
        (".aws/credentials", "AWS credentials"),
        (".docker/config.json", "Docker client config (registry credentials)"),
    ];

    private static readonly string[] TemplateEnvSuffixes = [".example", ".sample", ".template", ".dist", ".defaults"];

    /// <summary>The kind of secret a path looks like by its name alone, or null. <paramref name="path"/> is clean and relative.</summary>
    public static string? MatchName(string path)
    {
        var name = path[(path.LastIndexOf('/') + 1)..];
        if (Names.TryGetValue(name, out var detail))
            return detail;
        if (name.StartsWith(".env.", StringComparison.Ordinal) && !TemplateEnvSuffixes.Any(s => name.EndsWith(s, StringComparison.Ordinal)))
            return "environment file";
        foreach (var (suffix, what) in Suffixes)
        {
            if (path == suffix[1..] || path.EndsWith("/" + suffix, StringComparison.Ordinal))
                return what;
        }
        return null;
    }

    /// <summary>Whether a regular file of <paramref name="size"/> bytes is worth reading to judge it by content.</summary>
    public static bool WantsContent(string path, long size)
    {
        var name = path[(path.LastIndexOf('/') + 1)..];
        if (name.EndsWith(".json", StringComparison.Ordinal))
            return size <= JsonLimit;
        return size <= ContentLimit && (name == ".npmrc" || name.EndsWith(".pem", StringComparison.Ordinal) || name.EndsWith(".key", StringComparison.Ordinal));
    }

    /// <summary>The kind of secret a candidate's bytes show, or null.</summary>
    public static string? MatchContent(string path, ReadOnlySpan<byte> content)
    {
        var name = path[(path.LastIndexOf('/') + 1)..];
        if (name == ".npmrc")
            return content.IndexOf("_authToken"u8) >= 0 || content.IndexOf("_password"u8) >= 0 ? "npm registry token" : null;
        if (name.EndsWith(".json", StringComparison.Ordinal))
        {
            if (content.IndexOf("\"private_key\""u8) < 0 || content.IndexOf("PRIVATE KEY"u8) < 0)
                return null;
            return content.IndexOf("service_account"u8) >= 0 ? "Google Cloud service account key" : "JSON with a private key";
        }
        return HasPemPrivateKey(content) is { } kind ? $"PEM private key ({kind})" : null;
    }

    /// <summary>The label of the first <c>-----BEGIN … PRIVATE KEY-----</c> line (<c>RSA PRIVATE KEY</c>, <c>PRIVATE KEY</c>…).</summary>
    private static string? HasPemPrivateKey(ReadOnlySpan<byte> content)
    {
        var begin = "-----BEGIN "u8;
        while (content.IndexOf(begin) is var at and >= 0)
        {
            content = content[(at + begin.Length)..];
            var end = content.IndexOf("-----"u8);
            var newline = content.IndexOf((byte)'\n');
            if (end < 0)
                return null;
            if (newline >= 0 && newline < end)
                continue;
            var label = content[..end];
            if (label.EndsWith("PRIVATE KEY"u8))
                return Encoding.ASCII.GetString(label);
        }
        return null;
    }
}
