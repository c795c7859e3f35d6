using System.Text;
using System.Text.RegularExpressions;

namespace Distill.Dockerfile;

/// <summary>Shell patterns (<c>*</c>, <c>?</c>, <c>[...]</c>, <c>\</c>) for <c>${V#p}</c>, <c>${V%p}</c> and <c>${V/p/r}</c>.</summary>
internal static class ShellPattern
{
    public static Regex ToRegex(string pattern, bool greedy)
    {
        var sb = new StringBuilder();
        var star = greedy ? ".*" : ".*?";
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*':
                    sb.Append(star);
                    break;
                case '?':
                    sb.Append('.');
                    break;
                case '\\':
                    if (i + 1 < pattern.Length && pattern[i + 1] == '}')
                        break; // the escape of a } inside ${} is not part of the pattern
                    if (i + 1 >= pattern.Length || pattern[i + 1] is not ('*' or '?' or '\\'))
                        throw new ShellExpansionException($"invalid pattern ({pattern}) in substitution: invalid escape '\\{(i + 1 < pattern.Length ? pattern[i + 1] : ' ')}'");
                    sb.Append('\\').Append(pattern[++i]);
                    break;
                case '[':
                    var end = pattern.IndexOf(']', i + 1);
                    if (end < 0)
                    {
                        sb.Append(@"\[");
                        break;
                    }
                    var body = pattern[(i + 1)..end];
                    if (body.StartsWith('!'))
                        body = "^" + body[1..];
                    sb.Append('[').Append(body.Replace(@"\", @"\\", StringComparison.Ordinal)).Append(']');
                    i = end;
                    break;
                default:
                    sb.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
        return new Regex(sb.ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant);
    }

    public static string TrimPrefix(string pattern, string value, bool greedy)
    {
        var match = ToRegex(pattern, greedy).Match(value);
        return match.Success && match.Index == 0 ? value[match.Length..] : value;
    }

    /// <summary>Shortest or longest suffix: both strings reversed, so a left-most search finds it.</summary>
    public static string TrimSuffix(string pattern, string value, bool greedy) =>
        Reverse(TrimPrefix(ReversePattern(pattern), Reverse(value), greedy));

    public static string Replace(string value, string pattern, string replacement, bool all)
    {
        var regex = ToRegex(pattern, greedy: true);
        if (all)
            return regex.Replace(value, replacement.Replace("$", "$$", StringComparison.Ordinal));
        var match = regex.Match(value);
        return match.Success ? value[..match.Index] + replacement + value[(match.Index + match.Length)..] : value;
    }

    private static string Reverse(string s)
    {
        var chars = s.ToCharArray();
        Array.Reverse(chars);
        return new string(chars);
    }

    /// <summary>Reverses a pattern but keeps each escape before the character it escapes.</summary>
    private static string ReversePattern(string pattern)
    {
        var tokens = new List<string>();
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\' && i + 1 < pattern.Length)
            {
                tokens.Add(pattern.Substring(i, 2));
                i++;
            }
            else
            {
                tokens.Add(pattern[i].ToString());
            }
        }
        tokens.Reverse();
        return string.Concat(tokens);
    }
}
