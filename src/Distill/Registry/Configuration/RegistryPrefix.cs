using System.Text.RegularExpressions;

namespace Distill.Registry.Configuration;

/// <summary>
/// The grammar of registries.conf names: validating <c>prefix</c>/<c>location</c> values, matching a prefix against an
/// image reference on a component boundary, and rewriting the matched part to a location.
/// </summary>
internal static partial class RegistryPrefix
{
    /// <summary>
    /// How much of <paramref name="reference"/> (<c>host/repo[:tag][@digest]</c>, or a bare host) <paramref name="prefix"/>
    /// matches, or -1. A plain prefix must end where the reference has a separator: after a host only at <c>/</c> (so
    /// <c>example.com</c> does not match <c>example.com:5000/x</c>), after a path component at <c>/</c>, <c>:</c> or <c>@</c>.
    /// <c>*.example.com</c> matches a whole host ending in <c>.example.com</c> (any number of labels before it).
    /// </summary>
    public static int MatchLength(string reference, string prefix)
    {
        if (prefix.StartsWith("*.", StringComparison.Ordinal))
        {
            var slash = reference.IndexOf('/', StringComparison.Ordinal);
            var host = slash < 0 ? reference : reference[..slash];
            var suffix = prefix[1..];
            return host.Length > suffix.Length && host.EndsWith(suffix, StringComparison.Ordinal) ? host.Length : -1;
        }
        if (!reference.StartsWith(prefix, StringComparison.Ordinal))
            return -1;
        if (reference.Length == prefix.Length)
            return prefix.Length;
        var next = reference[prefix.Length];
        if (!prefix.Contains('/', StringComparison.Ordinal))
            return next == '/' ? prefix.Length : -1;
        return next is '/' or ':' or '@' ? prefix.Length : -1;
    }

    /// <summary>
    /// The registry host and repository that <paramref name="name"/> (<c>host/repo</c>, without tag or digest) becomes when
    /// the first <paramref name="matchLength"/> characters of its reference are replaced by <paramref name="location"/>.
    /// </summary>
    public static (string Host, string Repository) Rewrite(string name, int matchLength, string location, string prefix)
    {
        var rest = matchLength <= name.Length ? name[matchLength..] : "";
        var rewritten = location + rest;
        var slash = rewritten.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || slash == rewritten.Length - 1)
            throw new RegistryConfigurationException($"registries.conf: location \"{location}\" of prefix \"{prefix}\" leaves no repository for \"{name}\"");
        var host = rewritten[..slash];
        var repository = rewritten[(slash + 1)..];
        if (host is "index.docker.io" or "registry-1.docker.io")
            host = Oci.ImageName.DockerHub;
        if (host == Oci.ImageName.DockerHub && !repository.Contains('/', StringComparison.Ordinal))
            repository = "library/" + repository;
        return (host, repository);
    }

    /// <summary>Checks a <c>prefix</c> value and returns it without a trailing slash, or a problem.</summary>
    public static string? ValidatePrefix(ref string prefix)
    {
        prefix = prefix.TrimEnd('/');
        if (prefix.Length == 0)
            return "must not be empty";
        if (prefix.Contains("://", StringComparison.Ordinal))
            return "URI schemes are not supported";
        if (prefix.StartsWith("*.", StringComparison.Ordinal))
        {
            var domain = prefix[2..];
            return domain.Length == 0 || domain.IndexOfAny(['*', '/', ':', '@']) >= 0 || !HostPattern().IsMatch(domain)
                ? "a wildcard prefix must have the form *.example.com"
                : null;
        }
        if (prefix.Contains('*', StringComparison.Ordinal))
            return "a wildcard is only allowed as a leading \"*.\" (*.example.com)";
        var slash = prefix.IndexOf('/', StringComparison.Ordinal);
        var host = slash < 0 ? prefix : prefix[..slash];
        if (!HostPattern().IsMatch(host))
            return $"\"{host}\" is not a host[:port]";
        if (slash >= 0 && !PrefixPathPattern().IsMatch(prefix[(slash + 1)..]))
            return "the part after the host must be namespace[/namespace...][/repo][:tag|@digest]";
        return null;
    }

    /// <summary>Checks a <c>location</c> value (<c>host[:port][/namespace...]</c>) and returns it without a trailing slash, or a problem.</summary>
    public static string? ValidateLocation(ref string location)
    {
        location = location.TrimEnd('/');
        if (location.Length == 0)
            return "must not be empty";
        if (location.Contains("://", StringComparison.Ordinal))
            return "URI schemes are not supported";
        if (location.Contains('*', StringComparison.Ordinal))
            return "wildcards are only allowed in a prefix";
        var slash = location.IndexOf('/', StringComparison.Ordinal);
        var host = slash < 0 ? location : location[..slash];
        if (!HostPattern().IsMatch(host))
            return $"\"{host}\" is not a host[:port]";
        if (slash >= 0 && !RepositoryPathPattern().IsMatch(location[(slash + 1)..]))
            return "the part after the host must be lower-case namespace[/namespace...] (a tag or digest in a location is not supported)";
        return null;
    }

    /// <summary>Checks a bare <c>host[:port]</c> (unqualified-search-registries, v1 lists).</summary>
    public static bool IsHost(string value) => HostPattern().IsMatch(value);

    /// <summary>A prefix without its tag or digest: the default location.</summary>
    public static string WithoutTagOrDigest(string prefix)
    {
        var at = prefix.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
            prefix = prefix[..at];
        var slash = prefix.LastIndexOf('/');
        var colon = prefix.LastIndexOf(':');
        return slash >= 0 && colon > slash ? prefix[..colon] : prefix;
    }

    [GeneratedRegex(@"^(?:(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\.(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?))*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$")]
    private static partial Regex HostPattern();

    private const string Component = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";

    [GeneratedRegex("^" + Component + "(?:/" + Component + ")*$")]
    private static partial Regex RepositoryPathPattern();

    [GeneratedRegex("^" + Component + "(?:/" + Component + @")*(?::[\w][\w.-]{0,127})?(?:@[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+)?$")]
    private static partial Regex PrefixPathPattern();
}
