namespace Distill.Analysis.Inventory;

public static class PackageTypes
{
    /// <summary>The package URL type: <c>deb</c>, <c>apk</c>, <c>golang</c>, <c>nuget</c>.</summary>
    public static string PurlType(this PackageType type) => type switch
    {
        PackageType.Deb => "deb",
        PackageType.Apk => "apk",
        PackageType.Golang => "golang",
        PackageType.Nuget => "nuget",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
