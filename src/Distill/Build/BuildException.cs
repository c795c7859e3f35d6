namespace Distill.Build;

/// <summary>A build failed: the message names the Dockerfile position (<c>Dockerfile:12</c>), the step and the cause, on one line
/// (a failing RUN adds the tail of its output in <see cref="OutputTail"/>).</summary>
public sealed class BuildException : Exception
{
    public BuildException(string message) : base(message)
    {
    }

    public BuildException(string message, Exception inner) : base(message, inner)
    {
    }

    public BuildException()
    {
    }

    /// <summary>The last lines a failing RUN printed, for the error report.</summary>
    public IReadOnlyList<string> OutputTail { get; init; } = [];
}
