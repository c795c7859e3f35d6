namespace Distill.Tests.Support;

/// <summary>A request a <see cref="FaultProxy"/> received: method, path with query, and its <c>Range</c> header (or null).</summary>
public sealed record ProxiedRequest(string Method, string PathAndQuery, string? Range);
