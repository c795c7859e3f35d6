namespace Distill.Dockerfile;

/// <summary>
/// The ARG values a build starts with: <c>--build-arg</c> values and the automatic platform ARGs
/// (<c>TARGETPLATFORM</c>, <c>TARGETOS</c>, <c>TARGETARCH</c>, <c>TARGETVARIANT</c>, <c>BUILDPLATFORM</c>, …), which
/// live in the global scope like BuildKit's.
/// </summary>
public sealed record BuildArgs
{
    public IReadOnlyDictionary<string, string> Values { get; init; } = new Dictionary<string, string>();
    public string TargetPlatform { get; init; } = "linux/amd64";
    public string BuildPlatform { get; init; } = "linux/amd64";

    /// <summary>Proxy ARGs Docker predefines: usable with --build-arg without an ARG line, and kept out of history.</summary>
    public static readonly string[] ProxyArgs = ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy",
        "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"];

    public IReadOnlyDictionary<string, string> Automatic()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        Add(result, "TARGET", TargetPlatform);
        Add(result, "BUILD", BuildPlatform);
        return result;
    }

    public static bool IsAutomatic(string name) => name is "TARGETPLATFORM" or "TARGETOS" or "TARGETARCH" or "TARGETVARIANT"
        or "BUILDPLATFORM" or "BUILDOS" or "BUILDARCH" or "BUILDVARIANT";

    private static void Add(Dictionary<string, string> map, string prefix, string platform)
    {
        var parts = platform.Split('/');
        map[prefix + "PLATFORM"] = platform;
        map[prefix + "OS"] = parts.ElementAtOrDefault(0) ?? "";
        map[prefix + "ARCH"] = parts.ElementAtOrDefault(1) ?? "";
        map[prefix + "VARIANT"] = parts.ElementAtOrDefault(2) ?? "";
    }
}
