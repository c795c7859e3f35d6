namespace Distill.Dockerfile;

/// <summary>A <c>.dockerignore</c> line Docker would reject; the message reads <c>FILE:LINE: what</c>.</summary>
public sealed class DockerIgnoreException : Exception
{
    public DockerIgnoreException(string file, int line, string reason)
        : base($"{file}:{line}: {reason}")
    {
        File = file;
        Line = line;
        Reason = reason;
    }

    public DockerIgnoreException() { }
    public DockerIgnoreException(string message) : base(message) { }
    public DockerIgnoreException(string message, Exception inner) : base(message, inner) { }

    public string File { get; } = "";
    public int Line { get; }
    public string Reason { get; } = "";
}
