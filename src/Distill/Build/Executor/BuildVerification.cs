namespace Distill.Build;

/// <summary>What a build does with <c>distill verify</c>'s findings on the image it made (<c>distill build --verify</c>).</summary>
public enum BuildVerification
{
    /// <summary>The image is not verified.</summary>
    Off,

    /// <summary>Findings are reported; the build succeeds and its outputs are written whatever they say.</summary>
    Warn,

    /// <summary>Findings are reported; an error-severity finding fails the build before any output is written.</summary>
    Error,
}
