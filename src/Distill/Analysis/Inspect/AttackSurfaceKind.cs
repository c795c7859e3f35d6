namespace Distill.Analysis.Inspect;

/// <summary>What an attack surface finding is about; <see cref="AttackSurfaceKinds"/> gives the stable ids (<c>package-manager</c>).</summary>
public enum AttackSurfaceKind
{
    Shell,
    PackageManager,
    /// <summary>A setuid or setgid regular file.</summary>
    Setuid,
    /// <summary>A file or directory anyone may write (a directory with the sticky bit, like <c>/tmp</c>, is not one).</summary>
    WorldWritable,
    Compiler,
    NetworkTool,
    /// <summary>The image runs as root by default (<c>User</c> empty, <c>root</c> or <c>0</c>).</summary>
    RootUser,
    Secret,
}
