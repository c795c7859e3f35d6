using System.Text.RegularExpressions;

namespace Distill.Oci;

/// <summary>
/// A Docker-style image name, <c>[HOST[:PORT]/]REPO[:TAG][@DIGEST]</c>, normalised as Docker does:
/// <c>ubuntu</c> is <c>docker.io/library/ubuntu:latest</c>
/// (<see href="https://github.com/distribution/reference">distribution/reference</see> grammar).
/// </summary>
public sealed partial record ImageName
{
    public const string DockerHub = "docker.io";

    public required string Domain { get; init; }
    public required string Repository { get; init; }
    public string? Tag { get; init; }
    public Digest? Digest { get; init; }

    /// <summary>Parses and normalises; a name with neither tag nor digest gets <c>latest</c>.</summary>
    public static ImageName Parse(string value)
    {
        var rest = value;
        Digest? digest = null;
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            if (!Oci.Digest.TryParse(rest[(at + 1)..], out var d))
                throw new FormatException($"invalid image reference \"{value}\": bad digest");
            digest = d;
            rest = rest[..at];
        }
        string? tag = null;
        var lastColon = rest.LastIndexOf(':');
        if (lastColon > rest.LastIndexOf('/'))
        {
            tag = rest[(lastColon + 1)..];
            rest = rest[..lastColon];
            if (!TagPattern().IsMatch(tag))
                throw new FormatException($"invalid image reference \"{value}\": bad tag \"{tag}\"");
        }
        string domain;
        string path;
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var first = slash >= 0 ? rest[..slash] : "";
        if (slash >= 0 && (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost" || first.Any(char.IsAsciiLetterUpper)))
        {
            domain = first;
            path = rest[(slash + 1)..];
        }
        else
        {
            domain = DockerHub;
            path = rest;
        }
        if (domain is "index.docker.io" or "registry-1.docker.io")
            domain = DockerHub;
        if (domain == DockerHub && !path.Contains('/', StringComparison.Ordinal))
            path = "library/" + path;
        if (path.Length == 0 || !PathPattern().IsMatch(path))
            throw new FormatException($"invalid image reference \"{value}\": repository names are lower-case letters, digits and separators");
        if (tag is null && digest is null)
            tag = "latest";
        return new ImageName { Domain = domain, Repository = path, Tag = tag, Digest = digest };
    }

    public static bool TryParse(string value, out ImageName? name)
    {
        try
        {
            name = Parse(value);
            return true;
        }
        catch (FormatException)
        {
            name = null;
            return false;
        }
    }

    /// <summary><c>docker.io/library/ubuntu:latest</c>.</summary>
    public override string ToString() => $"{Domain}/{Repository}{Suffix}";

    /// <summary>What Docker shows: <c>ubuntu:latest</c>, <c>user/app:1</c>, <c>ghcr.io/x/y:2</c>.</summary>
    public string Familiar
    {
        get
        {
            var repo = Repository;
            if (Domain == DockerHub)
                return (repo.StartsWith("library/", StringComparison.Ordinal) && repo.IndexOf('/', 8) < 0 ? repo[8..] : repo) + Suffix;
            return $"{Domain}/{repo}{Suffix}";
        }
    }

    /// <summary>The name without tag or digest.</summary>
    public string Name => $"{Domain}/{Repository}";

    private string Suffix => (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);

    [GeneratedRegex(@"^[\w][\w.-]{0,127}$")]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$")]
    private static partial Regex PathPattern();
}
