namespace Distill.Tests.Support;

/// <summary>A fault a <see cref="FaultProxy"/> injected: which, into which request; <see cref="Offset"/> = byte cut or flipped.</summary>
public sealed record InjectedFault(FaultKind Kind, string Method, string PathAndQuery, long? Offset);
