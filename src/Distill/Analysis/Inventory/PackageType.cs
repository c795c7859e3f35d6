namespace Distill.Analysis.Inventory;

/// <summary>Where a package was found; <see cref="PackageTypes.PurlType"/> names it as package URLs do.</summary>
public enum PackageType
{
    /// <summary>dpkg database (<c>/var/lib/dpkg/status</c>, distroless <c>status.d/</c>).</summary>
    Deb,

    /// <summary>apk database (<c>/lib/apk/db/installed</c>).</summary>
    Apk,

    /// <summary>Go modules (and the Go standard library) from a binary's build info.</summary>
    Golang,

    /// <summary>NuGet packages from a .NET application's <c>*.deps.json</c>.</summary>
    Nuget,
}
