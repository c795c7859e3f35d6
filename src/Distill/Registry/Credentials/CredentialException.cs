namespace Distill.Registry.Credentials;

/// <summary>
/// A credential file or helper could not be read or written. The message is one line, names the file or helper,
/// and never contains a secret. An <see cref="IOException"/> so the CLI reports it as a one-line error.
/// </summary>
public sealed class CredentialException : IOException
{
    public CredentialException(string message)
        : base(message)
    {
    }

    public CredentialException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public CredentialException()
    {
    }
}
