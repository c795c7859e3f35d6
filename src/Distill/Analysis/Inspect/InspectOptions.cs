namespace Distill.Analysis.Inspect;

/// <summary>How <see cref="ImageInspector"/> reports: the reference to show, list lengths, and how many layers to read at once.</summary>
public sealed record InspectOptions
{
    /// <summary>The reference the image was read from, as the user wrote it (shown, not resolved).</summary>
    public string Reference { get; init; } = "";
    /// <summary>How many largest files, directories and wasted paths to keep.</summary>
    public int Top { get; init; } = 10;
    /// <summary>Layers streamed at the same time (each is read once, start to end).</summary>
    public int Parallelism { get; init; } = Math.Max(1, Environment.ProcessorCount);
}
