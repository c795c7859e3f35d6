using Distill.Analysis;
using Distill.Oci;

namespace Distill.Build;

/// <summary>
/// The build's last step, after export and before anything is written: <see cref="ImageVerifier"/> on the final image,
/// each finding reported through the progress; with <see cref="BuildVerification.Error"/> an error fails the build.
/// </summary>
internal static class BuildVerifyStep
{
    public static async Task<VerifyReport?> RunAsync(BuildExecutor build, IImage image, CancellationToken ct)
    {
        var mode = build.Options.Verify;
        if (mode == BuildVerification.Off)
            return null;
        var command = EntrypointCheck.Command(image.Config.Config);
        var step = build.NewStep("verify", 0, 0, command.Count > 0 ? $"entrypoint {command[0]}" : "entrypoint");
        build.Progress.Started(step);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var report = await ImageVerifier.VerifyAsync(image, ct);
        foreach (var finding in report.Findings)
            build.Progress.Finding(step, finding);
        var errors = report.Findings.Where(f => f.Severity == VerifySeverity.Error).ToList();
        if (mode == BuildVerification.Error && errors.Count > 0)
        {
            var message = $"the image cannot run (--verify=error): {errors[0].Message} [{errors[0].Rule.Id}]" +
                (errors.Count > 1 ? $" (and {errors.Count - 1} more error{(errors.Count == 2 ? "" : "s")})" : "");
            build.Progress.Failed(step, message);
            throw new BuildException(message);
        }
        build.Progress.Completed(step, started.Elapsed);
        return report;
    }
}
