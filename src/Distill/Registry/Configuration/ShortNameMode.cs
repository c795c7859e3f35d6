namespace Distill.Registry.Configuration;

/// <summary><c>short-name-mode</c>: how short names (<c>ubuntu</c>) are resolved against the search registries.</summary>
public enum ShortNameMode
{
    /// <summary>Several search registries: prompt on a terminal, fail otherwise.</summary>
    Enforcing,
    /// <summary>The default: like enforcing on a terminal, otherwise try every search registry.</summary>
    Permissive,
    /// <summary>Try every search registry, never prompt.</summary>
    Disabled,
}
