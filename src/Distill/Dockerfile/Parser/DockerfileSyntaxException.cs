namespace Distill.Dockerfile;

/// <summary>A Dockerfile that cannot be parsed or makes no sense; the message reads <c>FILE:LINE:COL: what</c>.</summary>
public sealed class DockerfileSyntaxException : Exception
{
    public DockerfileSyntaxException(string file, int line, int column, string reason)
        : base($"{file}:{line}:{column}: {reason}")
    {
        File = file;
        Line = line;
        Column = column;
        Reason = reason;
    }

    public DockerfileSyntaxException() { }
    public DockerfileSyntaxException(string message) : base(message) { }
    public DockerfileSyntaxException(string message, Exception inner) : base(message, inner) { }

    public string File { get; } = "";
    public int Line { get; }
    public int Column { get; }
    public string Reason { get; } = "";
}
