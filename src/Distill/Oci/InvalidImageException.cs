namespace Distill.Oci;

/// <summary>
/// Bad input: a malformed document, a blob whose digest does not match, a missing file. The message is one line
/// that names the thing; the CLI prints it and exits non-zero.
/// </summary>
public sealed class InvalidImageException : Exception
{
    public InvalidImageException(string message) : base(message) { }
    public InvalidImageException(string message, Exception inner) : base(message, inner) { }
    public InvalidImageException() { }
}
