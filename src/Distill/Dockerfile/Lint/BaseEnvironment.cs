namespace Distill.Dockerfile;

/// <summary>
/// What a base image's environment is assumed to define when it is not known: <c>PATH</c> (BuildKit always sets it),
/// variables most images set, and variables named after the image (<c>PYTHON_VERSION</c> in <c>python</c>).
/// </summary>
internal sealed class BaseEnvironment
{
    private static readonly HashSet<string> Common = new(StringComparer.Ordinal)
    {
        "HOME", "HOSTNAME", "LANG", "LANGUAGE", "LC_ALL", "TERM", "TZ", "USER", "SHELL", "PWD", "DEBIAN_FRONTEND",
        "JAVA_HOME", "JAVA_VERSION", "JDK_VERSION", "GOPATH", "GOROOT", "GOTOOLCHAIN", "GOLANG_VERSION", "CARGO_HOME", "RUSTUP_HOME",
        "RUST_VERSION", "GEM_HOME", "BUNDLE_APP_CONFIG", "BUNDLE_SILENCE_ROOT_WARNING", "RUBY_VERSION", "NODE_VERSION",
        "YARN_VERSION", "PYTHON_VERSION", "PYTHON_SHA256", "GPG_KEY", "PHP_INI_DIR", "PHP_VERSION", "NGINX_VERSION",
        "APP_UID", "MAVEN_HOME", "GRADLE_HOME", "SSL_CERT_FILE", "SSL_CERT_DIR", "LD_LIBRARY_PATH",
    };

    private static readonly string[] CommonPrefixes = ["DOTNET_", "ASPNETCORE_", "ASPNET_", "NUGET_", "PIP_", "NPM_", "JAVA_"];

    private readonly string? _prefix;
    private readonly bool _unknown;

    private BaseEnvironment(bool unknown, string? prefix, IReadOnlyDictionary<string, string> known)
    {
        _unknown = unknown;
        _prefix = prefix;
        Known = known;
    }

    /// <summary>Variables the base is known to define.</summary>
    public IReadOnlyDictionary<string, string> Known { get; }

    public static BaseEnvironment Scratch { get; } = new(false, null, new Dictionary<string, string>());

    public static BaseEnvironment Of(IReadOnlyDictionary<string, string> env) => new(false, null, env);

    /// <summary>An image whose environment is not known.</summary>
    public static BaseEnvironment Unknown(string image)
    {
        string? prefix = null;
        if (Oci.ImageName.TryParse(image, out var name) && name is not null)
        {
            var last = name.Repository[(name.Repository.LastIndexOf('/') + 1)..];
            prefix = new string(last.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_').ToArray()) + "_";
        }
        return new BaseEnvironment(true, prefix, new Dictionary<string, string>());
    }

    /// <summary>Whether the base may define a variable it is not known to define.</summary>
    public bool MayDefine(string name) =>
        _unknown && (Common.Contains(name) || CommonPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal))
                     || (_prefix is not null && name.StartsWith(_prefix, StringComparison.Ordinal)));

    public IEnumerable<string> Names => Known.Keys.Concat(_unknown ? Common : []);
}
