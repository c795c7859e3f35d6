namespace Distill.Dockerfile;

/// <summary>
/// Whether an ARG or ENV name says it holds a secret: one of its words (split on <c>_</c>, <c>-</c> and <c>.</c>,
/// any case) is a secret word such as <c>PASSWORD</c>, <c>TOKEN</c>, <c>SECRET</c> or <c>KEY</c>, and none says it is
/// public (<c>PUBLIC_KEY</c>).
/// </summary>
internal static class SecretNames
{
    private static readonly HashSet<string> SecretWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "apikey", "auth", "credential", "credentials", "key", "password", "passwd", "pword", "secret", "token",
    };

    private static readonly HashSet<string> PublicWords = new(StringComparer.OrdinalIgnoreCase) { "public" };

    public static bool LooksSecret(string name)
    {
        var words = name.Split(['_', '-', '.'], StringSplitOptions.RemoveEmptyEntries);
        return words.Any(SecretWords.Contains) && !words.Any(PublicWords.Contains);
    }
}
