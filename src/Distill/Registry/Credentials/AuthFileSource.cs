namespace Distill.Registry.Credentials;

/// <summary>
/// One file credentials are looked up in. <paramref name="Legacy"/> is <c>~/.dockercfg</c>: the top level is the
/// <c>auths</c> map itself and keys are host names (a path after the host is ignored). Legacy files are only read.
/// </summary>
public sealed record AuthFileSource(string Path, bool Legacy = false);
