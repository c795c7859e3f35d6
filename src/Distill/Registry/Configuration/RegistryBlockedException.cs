namespace Distill.Registry.Configuration;

/// <summary>Pulling the image is forbidden by a <c>blocked = true</c> entry of registries.conf.</summary>
public sealed class RegistryBlockedException : Exception
{
    public RegistryBlockedException(string image, string prefix, string? source)
        : base($"registry access to \"{image}\" is blocked by registries.conf (prefix \"{prefix}\"{(source is null ? "" : " in " + source)})")
    {
        Image = image;
        Prefix = prefix;
    }

    public RegistryBlockedException() { }
    public RegistryBlockedException(string message) : base(message) { }
    public RegistryBlockedException(string message, Exception inner) : base(message, inner) { }

    public string? Image { get; }
    public string? Prefix { get; }
}
