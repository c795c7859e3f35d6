namespace Distill.Build;

/// <summary>
/// One thing a COPY/ADD copies: a source path as matched (relative to the source root, not yet followed) with, for
/// <c>--parents</c>, the include pattern below it; or an ADD URL.
/// </summary>
internal sealed record CopyItem(string Source, IReadOnlyList<string> Includes, string? Url = null);
