using System.Net;

namespace Distill.Registry;

/// <summary>
/// A registry said no, or could not be reached: one line naming the registry and repository, the status and the
/// registry's own error code (<see href="https://github.com/opencontainers/distribution-spec/blob/main/spec.md#error-codes">error codes</see>).
/// Never contains a credential.
/// </summary>
public sealed class RegistryException : Exception
{
    public RegistryException(string message, HttpStatusCode? status = null, string? code = null, Exception? inner = null)
        : base(message, inner)
    {
        Status = status;
        Code = code;
    }

    public RegistryException() { }
    public RegistryException(string message) : base(message) { }
    public RegistryException(string message, Exception inner) : base(message, inner) { }

    public HttpStatusCode? Status { get; }
    /// <summary>The distribution error code, e.g. <c>UNAUTHORIZED</c>, <c>MANIFEST_UNKNOWN</c>, <c>BLOB_UNKNOWN</c>.</summary>
    public string? Code { get; }

    public bool IsNotFound => Status == HttpStatusCode.NotFound || Code is "MANIFEST_UNKNOWN" or "BLOB_UNKNOWN" or "NAME_UNKNOWN";
    public bool IsUnauthorized => Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden || Code is "UNAUTHORIZED" or "DENIED";
}
