using Distill.Oci;

namespace Distill.Build;

/// <summary>The image a build made, and how many steps ran or came from the cache.</summary>
public sealed record BuildResult(IImage Image, int StepsRun, int StepsCached)
{
    /// <summary>What <c>--with-deps</c> added (null without it).</summary>
    public Analysis.DependencyCopyPlan? Dependencies { get; init; }
    /// <summary>What verifying the image found (null when <see cref="BuildOptions.Verify"/> is off).</summary>
    public Analysis.VerifyReport? Verification { get; init; }
}
