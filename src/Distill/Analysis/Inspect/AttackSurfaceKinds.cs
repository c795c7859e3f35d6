namespace Distill.Analysis.Inspect;

/// <summary>The stable ids of <see cref="AttackSurfaceKind"/> (as <c>--fail-on</c> takes them and JSON shows them).</summary>
public static class AttackSurfaceKinds
{
    private static readonly (AttackSurfaceKind Kind, string Id)[] Ids =
    [
        (AttackSurfaceKind.Shell, "shell"),
        (AttackSurfaceKind.PackageManager, "package-manager"),
        (AttackSurfaceKind.Setuid, "setuid"),
        (AttackSurfaceKind.WorldWritable, "world-writable"),
        (AttackSurfaceKind.Compiler, "compiler"),
        (AttackSurfaceKind.NetworkTool, "network-tool"),
        (AttackSurfaceKind.RootUser, "root-user"),
        (AttackSurfaceKind.Secret, "secret"),
    ];

    public static IReadOnlyList<string> All { get; } = Ids.Select(i => i.Id).ToList();

    public static string Id(this AttackSurfaceKind kind) => Ids.First(i => i.Kind == kind).Id;

    /// <summary>The kind with id <paramref name="id"/>; a <see cref="FormatException"/> naming the valid ids otherwise.</summary>
    public static AttackSurfaceKind Parse(string id)
    {
        foreach (var (kind, known) in Ids)
        {
            if (string.Equals(known, id.Trim(), StringComparison.OrdinalIgnoreCase))
                return kind;
        }
        throw new FormatException($"unknown attack surface kind \"{id}\": use {string.Join(", ", All)}");
    }
}
