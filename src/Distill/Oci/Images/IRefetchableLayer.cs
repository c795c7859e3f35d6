namespace Distill.Oci;

/// <summary>
/// A layer whose bytes come over the network and can simply be fetched again: sinks retry such a copy when the bytes
/// that arrived do not match the digest (a corrupted transfer), instead of failing at once.
/// </summary>
public interface IRefetchableLayer : ILayer;
