namespace Distill.Build;

/// <summary>What a build reports as it goes: steps starting, cached, printing, finishing or failing. Called from several threads.</summary>
public interface IBuildProgress
{
    void Started(BuildStep step);
    void Cached(BuildStep step);
    void Output(BuildStep step, string line);
    void Completed(BuildStep step, TimeSpan elapsed);
    void Failed(BuildStep step, string error);
    /// <summary>A message outside any step (resolving a base image, exporting).</summary>
    void Message(string text);

    /// <summary>What verifying the final image found (<c>--verify</c>); shown as an output line unless the view says more.</summary>
    void Finding(BuildStep step, Analysis.VerifyFinding finding) => Output(step, finding.ToString());
}

/// <summary>One step of a build, numbered as BuildKit numbers them: <c>#7 [build 3/5] RUN go build</c>.</summary>
public sealed record BuildStep(int Id, string Stage, int Index, int Count, string Text)
{
    public override string ToString() => Count == 0 ? $"[{Stage}] {Text}" : $"[{Stage} {Index}/{Count}] {Text}";
}

/// <summary>Reports nothing.</summary>
public sealed class NullBuildProgress : IBuildProgress
{
    public static NullBuildProgress Instance { get; } = new();
    public void Started(BuildStep step) { }
    public void Cached(BuildStep step) { }
    public void Output(BuildStep step, string line) { }
    public void Completed(BuildStep step, TimeSpan elapsed) { }
    public void Failed(BuildStep step, string error) { }
    public void Message(string text) { }
}
