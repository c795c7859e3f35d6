namespace Distill.Registry;

/// <summary>How the client behaves, apart from the protocol: parallelism, upload chunking, retries and timeouts.</summary>
public sealed record RegistryPolicy
{
    public static RegistryPolicy Default { get; } = new();

    /// <summary>Blobs moved at once in a push or pull.</summary>
    public int MaxParallelBlobs { get; init; } = 4;
    /// <summary>Blobs up to this size are uploaded buffered (so an auth retry can resend them); larger ones stream their PUT body from the source.</summary>
    public long MonolithicUploadLimit { get; init; } = 1 << 20;
    /// <summary>Attempts per operation on connection errors, 408, 429 and 5xx.</summary>
    public int MaxAttempts { get; init; } = 6;
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Time allowed for a registry to start answering a request (bodies may stream for longer).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Reconnects within one blob download, each resuming with a Range request.</summary>
    public int MaxResumes { get; init; } = 8;
}
