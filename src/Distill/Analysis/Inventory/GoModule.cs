namespace Distill.Analysis.Inventory;

/// <summary>
/// A module line of Go build info (<c>runtime/debug.Module</c>): path, version (<c>(devel)</c> for a main module
/// built from a checkout, since Go 1.24 a VCS-derived pseudo-version), go.sum hash, and the <c>=&gt;</c> replacement.
/// </summary>
public sealed record GoModule(string Path, string Version, string? Sum)
{
    public GoModule? Replace { get; init; }

    /// <summary>The version Go reports for a main module it could not stamp.</summary>
    public const string DevelVersion = "(devel)";
}
