using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace Distill.Dockerfile;

/// <summary>
/// One <c>.dockerignore</c> line after Docker's clean-up, compiled the way moby/patternmatcher compiles it: the pattern
/// becomes a regexp (<c>*</c> = <c>[^/]*</c>, <c>?</c> = <c>[^/]</c>, <c>**</c> = any number of directories, <c>\c</c> and
/// <c>[...]</c> copied into the regexp), except that a pattern with no wildcard is compared as a string, one ending in
/// <c>**</c> with no other wildcard as a prefix, and one starting with <c>**</c> whose rest has no wildcard as a suffix
/// (so <c>**foo</c> matches <c>barfoo</c> and <c>**.go</c> matches <c>x.go</c>, Docker quirks kept on purpose).
/// </summary>
public sealed class DockerIgnorePattern
{
    private enum MatchKind
    {
        Exact,
        Prefix,
        Suffix,
        Regex,
    }

    private static readonly SearchValues<char> MetaChars = SearchValues.Create(@"*?[]\^");

    private readonly MatchKind _kind;
    private readonly Regex? _regex;

    internal DockerIgnorePattern(string text, bool isException, int line)
    {
        Text = text;
        IsException = isException;
        Line = line;
        (_kind, var re2) = Translate(text);
        if (_kind == MatchKind.Regex)
            _regex = Re2Subset.ToRegex(re2);
        LiteralPrefix = _kind == MatchKind.Suffix ? "" : text[..LiteralLength(text)];
    }

    /// <summary>The cleaned pattern, without the leading <c>!</c> of an exception.</summary>
    public string Text { get; }

    /// <summary>True for a <c>!pattern</c> line, which re-includes what it matches.</summary>
    public bool IsException { get; }

    /// <summary>The 1-based line of the ignore file the pattern comes from.</summary>
    public int Line { get; }

    /// <summary>Every path the pattern can match starts with this (empty when unknown).</summary>
    internal string LiteralPrefix { get; }

    /// <summary>True when the pattern matches only the path equal to <see cref="Text"/>.</summary>
    internal bool IsExact => _kind == MatchKind.Exact;

    public override string ToString() => IsException ? "!" + Text : Text;

    /// <summary>Whether the pattern matches this exact slash-separated relative path (no parent logic here).</summary>
    public bool Matches(string path) => _kind switch
    {
        MatchKind.Exact => path == Text,
        MatchKind.Prefix => path.StartsWith(Text[..^2], StringComparison.Ordinal),
        MatchKind.Suffix => path.EndsWith(Text[2..], StringComparison.Ordinal)
            || (Text.Length > 2 && Text[2] == '/' && path == Text[3..]),
        _ => _regex!.IsMatch(path),
    };

    /// <summary>The regexp text (RE2 syntax) Docker would build, and which comparison it would really use.</summary>
    private static (MatchKind Kind, string Re2) Translate(string pattern)
    {
        var re = new StringBuilder("^");
        var kind = MatchKind.Exact;
        var token = 0;
        for (var i = 0; i < pattern.Length; token++)
        {
            var c = pattern[i];
            if (c == '*')
            {
                if (i + 1 < pattern.Length && pattern[i + 1] == '*')
                {
                    i += 2;
                    if (i < pattern.Length && pattern[i] == '/')
                        i++; // "**/" is "**"
                    if (i == pattern.Length)
                    {
                        if (kind == MatchKind.Exact)
                        {
                            kind = MatchKind.Prefix;
                        }
                        else
                        {
                            re.Append(".*");
                            kind = MatchKind.Regex;
                        }
                    }
                    else
                    {
                        re.Append("(.*/)?");
                        kind = MatchKind.Regex;
                    }
                    if (token == 0)
                        kind = MatchKind.Suffix;
                }
                else
                {
                    re.Append("[^/]*");
                    kind = MatchKind.Regex;
                    i++;
                }
            }
            else if (c == '?')
            {
                re.Append("[^/]");
                kind = MatchKind.Regex;
                i++;
            }
            else if (".+()|{}$".Contains(c, StringComparison.Ordinal))
            {
                re.Append('\\').Append(c);
                i++;
            }
            else if (c == '\\')
            {
                if (i + 1 < pattern.Length)
                {
                    re.Append('\\');
                    i++;
                    i = AppendRune(re, pattern, i);
                    kind = MatchKind.Regex;
                }
                else
                {
                    re.Append('\\');
                    i++;
                }
            }
            else if (c is '[' or ']')
            {
                re.Append(c);
                kind = MatchKind.Regex;
                i++;
            }
            else
            {
                i = AppendRune(re, pattern, i);
            }
        }
        re.Append('$');
        return (kind, re.ToString());
    }

    private static int AppendRune(StringBuilder sb, string s, int i)
    {
        sb.Append(s[i]);
        if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
        {
            sb.Append(s[i + 1]);
            return i + 2;
        }
        return i + 1;
    }

    /// <summary>How many leading characters stand for themselves in every kind of match.</summary>
    private static int LiteralLength(string text)
    {
        var n = text.AsSpan().IndexOfAny(MetaChars);
        return n < 0 ? text.Length : n;
    }
}
