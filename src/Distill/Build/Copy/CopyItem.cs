namespace Distill.Build;

/// <summary>One thing a COPY copies: a source path as matched (relative to the source root, not yet followed), and for <c>--parents</c> the include pattern below it.</summary>
internal sealed record CopyItem(string Source, IReadOnlyList<string> Includes);
