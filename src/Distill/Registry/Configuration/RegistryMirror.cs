namespace Distill.Registry.Configuration;

/// <summary>One <c>[[registry.mirror]]</c>: where the namespace is mirrored, whether that place is insecure, and for which pulls.</summary>
public sealed record RegistryMirror(string Location, bool Insecure, PullFromMirror PullFromMirror);
