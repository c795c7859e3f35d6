using System.Security.Cryptography;
using System.Text;

namespace Distill.Build;

/// <summary>
/// Step cache keys: a hash of the parent key and the parts that decide what the step writes (the expanded
/// instruction, its environment, content digests of what it reads). Secrets never go in.
/// </summary>
internal static class CacheKey
{
    public static string Of(string parent, params IEnumerable<string?> parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, parent);
        foreach (var part in parts)
            Append(hash, part ?? "\u0001null");
        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Append(IncrementalHash hash, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        hash.AppendData(BitConverter.GetBytes(bytes.Length));
        hash.AppendData(bytes);
    }
}
