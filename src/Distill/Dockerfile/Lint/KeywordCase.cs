namespace Distill.Dockerfile;

/// <summary>Whether a word is written all in upper or all in lower case (letters only count).</summary>
internal static class KeywordCase
{
    public static bool IsUpper(string word) => !word.Any(char.IsLower);

    public static bool IsLower(string word) => !word.Any(char.IsUpper);

    /// <summary>Upper (and not caseless) or lower (and not caseless).</summary>
    public static bool IsStrictUpper(string word) => IsUpper(word) && !IsLower(word);

    public static bool IsStrictLower(string word) => IsLower(word) && !IsUpper(word);
}
