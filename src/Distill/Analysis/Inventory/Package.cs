namespace Distill.Analysis.Inventory;

/// <summary>
/// One package found in an image: what SBOMs and <c>inspect</c> list. <see cref="Locations"/> are the files that
/// say it is there (the package database, the Go binary, the <c>deps.json</c>).
/// </summary>
public sealed record Package(string Name, string Version, PackageType Type, string Purl)
{
    /// <summary>dpkg/apk architecture (<c>amd64</c>, <c>all</c>, <c>x86_64</c>, <c>noarch</c>); null when not recorded.</summary>
    public string? Architecture { get; init; }

    /// <summary>The source package (dpkg <c>Source:</c>, apk origin <c>o:</c>) when it differs from <see cref="Name"/>.</summary>
    public string? SourceName { get; init; }

    /// <summary>The source package's version when it differs from <see cref="Version"/> (dpkg <c>Source: NAME (VERSION)</c>).</summary>
    public string? SourceVersion { get; init; }

    /// <summary>Declared licences when the database records them (apk <c>L:</c>, as written there).</summary>
    public IReadOnlyList<string> Licenses { get; init; } = [];

    public IReadOnlyList<string> Locations { get; init; } = [];

    /// <summary>Go: the binary's main module path (for its dependencies too, so a package can be traced to its program).</summary>
    public string? GoMainModule { get; init; }

    /// <summary>Go: the toolchain that built the binary (<c>go1.19.8</c>).</summary>
    public string? GoVersion { get; init; }

    /// <summary>An application rather than a library: a Go binary's main module.</summary>
    public bool IsApplication { get; init; }

    /// <summary>One line: <c>deb libc6 2.36-9+deb12u4</c>.</summary>
    public override string ToString() => $"{Type.PurlType()} {Name} {Version}";
}
