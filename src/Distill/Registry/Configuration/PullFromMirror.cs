namespace Distill.Registry.Configuration;

/// <summary>When a mirror is used (<c>pull-from-mirror</c>): for every pull, or only for pulls by digest or by tag.</summary>
public enum PullFromMirror
{
    All,
    DigestOnly,
    TagOnly,
}
