namespace Distill.Tests.Support;

/// <summary>A fault a <see cref="FaultProxy"/> injects into one exchange.</summary>
public enum FaultKind
{
    /// <summary>Forward, send the response headers and half of the body (the first chunk when its length is unknown), then reset the connection.</summary>
    DropConnection,

    /// <summary>Answer <c>429 Too Many Requests</c> with <c>Retry-After</c> without forwarding.</summary>
    TooManyRequests,

    /// <summary>Answer <c>503 Service Unavailable</c> without forwarding.</summary>
    ServiceUnavailable,

    /// <summary>Forward, but flip (XOR 0xFF) one byte of the response body, so its digest no longer matches.</summary>
    CorruptByte,
}
