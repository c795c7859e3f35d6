namespace Distill.Registry;

/// <summary>A failure worth retrying (408, 429, 5xx), with the delay the registry asked for in <c>Retry-After</c>.</summary>
public sealed class TransientRegistryException : Exception
{
    public TransientRegistryException(string message, TimeSpan? retryAfter = null, Exception? inner = null) : base(message, inner) => RetryAfter = retryAfter;
    public TransientRegistryException() { }
    public TransientRegistryException(string message) : base(message) { }
    public TransientRegistryException(string message, Exception inner) : base(message, inner) { }
    public TimeSpan? RetryAfter { get; }
}
