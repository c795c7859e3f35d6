using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Distill.Oci;

/// <summary>
/// A content digest, <c>algorithm:encoded</c>, as defined in the OCI image spec
/// (<see href="https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests">descriptor.md#digests</see>).
/// sha256 and sha512 are the registered algorithms; both parse and verify, sha256 is what Distill writes.
/// </summary>
[JsonConverter(typeof(DigestJsonConverter))]
public readonly record struct Digest
{
    public const string Sha256 = "sha256";
    public const string Sha512 = "sha512";

    private Digest(string algorithm, string encoded)
    {
        Algorithm = algorithm;
        Encoded = encoded;
    }

    /// <summary>The algorithm, e.g. <c>sha256</c>.</summary>
    public string Algorithm { get; }

    /// <summary>The lower-case hex encoding of the hash.</summary>
    public string Encoded { get; }

    /// <summary>Parses <c>sha256:…</c> or <c>sha512:…</c>; throws <see cref="FormatException"/> naming the bad value.</summary>
    public static Digest Parse(string value)
    {
        if (TryParse(value, out var digest, out var error))
            return digest;
        throw new FormatException($"invalid digest \"{value}\": {error}");
    }

    public static bool TryParse(string? value, out Digest digest) => TryParse(value, out digest, out _);

    private static bool TryParse(string? value, out Digest digest, out string error)
    {
        digest = default;
        if (string.IsNullOrEmpty(value))
        {
            error = "empty";
            return false;
        }
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            error = "expected algorithm:hex";
            return false;
        }
        var algorithm = value[..colon];
        var encoded = value[(colon + 1)..];
        var expectedLength = algorithm switch
        {
            Sha256 => 64,
            Sha512 => 128,
            _ => -1,
        };
        if (expectedLength < 0)
        {
            error = $"unsupported algorithm \"{algorithm}\"";
            return false;
        }
        if (encoded.Length != expectedLength || !IsLowerHex(encoded))
        {
            error = $"{algorithm} needs {expectedLength} lower-case hex characters";
            return false;
        }
        digest = new Digest(algorithm, encoded);
        error = "";
        return true;
    }

    /// <summary>The sha256 digest of <paramref name="data"/>.</summary>
    public static Digest Compute(ReadOnlySpan<byte> data) => FromHash(Sha256, SHA256.HashData(data));

    /// <summary>The digest of <paramref name="data"/> in this digest's algorithm, for verification.</summary>
    public Digest ComputeSame(ReadOnlySpan<byte> data) =>
        FromHash(Algorithm, Algorithm == Sha512 ? SHA512.HashData(data) : SHA256.HashData(data));

    internal static Digest FromHash(string algorithm, ReadOnlySpan<byte> hash) =>
        new(algorithm, Convert.ToHexStringLower(hash));

    /// <summary>A fresh incremental hash for this digest's algorithm.</summary>
    public IncrementalHash CreateHash() =>
        IncrementalHash.CreateHash(Algorithm == Sha512 ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256);

    public bool IsDefault => Algorithm is null;

    public override string ToString() => Algorithm is null ? "" : $"{Algorithm}:{Encoded}";

    private static bool IsLowerHex(string s)
    {
        foreach (var c in s)
        {
            if (!(char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
                return false;
        }
        return true;
    }
}

/// <summary>Reads and writes a <see cref="Digest"/> as its string form.</summary>
public sealed class DigestJsonConverter : JsonConverter<Digest>
{
    public override Digest Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var s = reader.GetString();
        try
        {
            return Digest.Parse(s ?? "");
        }
        catch (FormatException e)
        {
            throw new JsonException(e.Message, e);
        }
    }

    public override void Write(Utf8JsonWriter writer, Digest value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
