namespace Distill.Tests.Support;

/// <summary>
/// One scope of a token request, <c>TYPE:NAME:ACTION[,ACTION...]</c> (e.g. <c>repository:library/app:pull,push</c>);
/// the name may itself contain ':' (a registry host with a port).
/// </summary>
public sealed record TokenScope(string Type, string Name, IReadOnlyList<string> Actions)
{
    public static TokenScope? TryParse(string text)
    {
        var first = text.IndexOf(':', StringComparison.Ordinal);
        var last = text.LastIndexOf(':');
        if (first <= 0 || last <= first)
            return null;
        var actions = text[(last + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries);
        return new TokenScope(text[..first], text[(first + 1)..last], actions);
    }

    public override string ToString() => $"{Type}:{Name}:{string.Join(',', Actions)}";
}
