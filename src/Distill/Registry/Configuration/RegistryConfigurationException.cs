namespace Distill.Registry.Configuration;

/// <summary>
/// A bad registries.conf (or certs.d) file: the one-line message names the file and, when known, the line
/// (<c>/etc/containers/registries.conf:12: ...</c>).
/// </summary>
public sealed class RegistryConfigurationException : Exception
{
    public RegistryConfigurationException(string path, int? line, string problem)
        : base(line is null ? $"{path}: {problem}" : $"{path}:{line}: {problem}")
    {
        FilePath = path;
        Line = line;
    }

    public RegistryConfigurationException(string path, string problem, Exception inner) : base($"{path}: {problem}", inner)
    {
        FilePath = path;
    }

    public RegistryConfigurationException() { }
    public RegistryConfigurationException(string message) : base(message) { }
    public RegistryConfigurationException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The file at fault.</summary>
    public string? FilePath { get; }

    /// <summary>1-based line, when the problem has one.</summary>
    public int? Line { get; }
}
