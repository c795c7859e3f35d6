using System.Text;

namespace Distill.Dockerfile;

/// <summary>
/// Go's <c>path.Clean</c> and <c>path/filepath.Match</c> (Unix flavour: <c>/</c> separates, <c>\</c> escapes), which
/// Docker applies to <c>.dockerignore</c> lines and to COPY/ADD sources. Written from the Go documentation.
/// </summary>
internal static class GoPath
{
    /// <summary>
    /// The shortest equivalent path: repeated slashes collapse, <c>.</c> elements go, <c>x/..</c> pairs go,
    /// <c>..</c> right after a leading <c>/</c> goes, a trailing slash goes; an empty result is <c>.</c>.
    /// </summary>
    public static string Clean(string path)
    {
        if (path.Length == 0)
            return ".";
        var rooted = path[0] == '/';
        var n = path.Length;
        var output = new StringBuilder(n);
        var r = 0;
        var dotdot = 0; // where a ".." may no longer remove an element
        if (rooted)
        {
            output.Append('/');
            r = 1;
            dotdot = 1;
        }
        while (r < n)
        {
            if (path[r] == '/')
            {
                r++;
            }
            else if (path[r] == '.' && (r + 1 == n || path[r + 1] == '/'))
            {
                r++;
            }
            else if (path[r] == '.' && path[r + 1] == '.' && (r + 2 == n || path[r + 2] == '/'))
            {
                r += 2;
                if (output.Length > dotdot)
                {
                    var w = output.Length - 1;
                    while (w > dotdot && output[w] != '/')
                        w--;
                    output.Length = w;
                }
                else if (!rooted)
                {
                    if (output.Length > 0)
                        output.Append('/');
                    output.Append("..");
                    dotdot = output.Length;
                }
            }
            else
            {
                if ((rooted && output.Length != 1) || (!rooted && output.Length != 0))
                    output.Append('/');
                for (; r < n && path[r] != '/'; r++)
                    output.Append(path[r]);
            }
        }
        return output.Length == 0 ? "." : output.ToString();
    }

    /// <summary>
    /// Go's <c>filepath.Match</c>: <c>*</c> is any run of non-<c>/</c> characters, <c>?</c> one non-<c>/</c> character,
    /// <c>[...]</c> a class (ranges <c>a-z</c>, negation with a leading <c>^</c> only), <c>\c</c> the character c.
    /// The whole name must match. Returns null when the pattern is malformed (Go's <c>ErrBadPattern</c>), which Go
    /// detects anywhere in the pattern, whether or not the name matched before it.
    /// </summary>
    public static bool? Match(string pattern, string name)
    {
        while (pattern.Length > 0)
        {
            var (star, chunk, rest) = ScanChunk(pattern);
            pattern = rest;
            if (star && chunk.Length == 0)
                return !name.Contains('/', StringComparison.Ordinal); // a trailing * takes the rest unless it has a /

            var (t, ok, bad) = MatchChunk(chunk, name);
            if (ok && (t.Length == 0 || pattern.Length > 0))
            {
                name = t;
                continue;
            }
            if (bad)
                return null;
            if (star)
            {
                var found = false;
                for (var i = 0; i < name.Length && name[i] != '/'; i++)
                {
                    (t, ok, bad) = MatchChunk(chunk, name[(i + 1)..]);
                    if (ok)
                    {
                        if (pattern.Length == 0 && t.Length > 0)
                            continue; // the last chunk must use up the name
                        name = t;
                        found = true;
                        break;
                    }
                    if (bad)
                        return null;
                }
                if (found)
                    continue;
            }
            // No match; the rest of the pattern must still be well formed.
            while (pattern.Length > 0)
            {
                (_, chunk, pattern) = ScanChunk(pattern);
                if (MatchChunk(chunk, "").Bad)
                    return null;
            }
            return false;
        }
        return name.Length == 0;
    }

    /// <summary>True when the text has a character that makes <see cref="Match"/> more than a string comparison.</summary>
    public static bool HasMeta(string pattern) => pattern.AsSpan().IndexOfAny(@"*?[\") >= 0;

    private static (bool Star, string Chunk, string Remainder) ScanChunk(string pattern)
    {
        var star = false;
        var start = 0;
        while (start < pattern.Length && pattern[start] == '*')
        {
            start++;
            star = true;
        }
        var inRange = false;
        var i = start;
        for (; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                if (i + 1 < pattern.Length)
                    i++;
            }
            else if (c == '[')
            {
                inRange = true;
            }
            else if (c == ']')
            {
                inRange = false;
            }
            else if (c == '*' && !inRange)
            {
                break;
            }
        }
        return (star, pattern[start..i], pattern[i..]);
    }

    /// <summary>Matches one chunk (no <c>*</c>) at the start of s; keeps checking the chunk's syntax after a failure.</summary>
    private static (string Remaining, bool Ok, bool Bad) MatchChunk(string chunk, string s)
    {
        var failed = false;
        var c = 0;
        var p = 0;
        while (c < chunk.Length)
        {
            if (!failed && p >= s.Length)
                failed = true;
            switch (chunk[c])
            {
                case '[':
                    {
                        var r = 0;
                        if (!failed)
                            r = NextRune(s, ref p);
                        c++;
                        var negated = false;
                        if (c < chunk.Length && chunk[c] == '^')
                        {
                            negated = true;
                            c++;
                        }
                        var match = false;
                        var ranges = 0;
                        while (true)
                        {
                            if (c < chunk.Length && chunk[c] == ']' && ranges > 0)
                            {
                                c++;
                                break;
                            }
                            if (!ClassChar(chunk, ref c, out var lo))
                                return ("", false, true);
                            var hi = lo;
                            if (chunk[c] == '-')
                            {
                                c++;
                                if (!ClassChar(chunk, ref c, out hi))
                                    return ("", false, true);
                            }
                            if (lo <= r && r <= hi)
                                match = true;
                            ranges++;
                        }
                        if (match == negated)
                            failed = true;
                        break;
                    }
                case '?':
                    if (!failed)
                    {
                        if (s[p] == '/')
                            failed = true;
                        NextRune(s, ref p);
                    }
                    c++;
                    break;
                case '\\':
                    c++;
                    if (c >= chunk.Length)
                        return ("", false, true);
                    goto default;
                default:
                    if (!failed)
                    {
                        if (chunk[c] != s[p])
                            failed = true;
                        p++;
                    }
                    c++;
                    break;
            }
        }
        return failed ? ("", false, false) : (s[p..], true, false);
    }

    /// <summary>One (possibly escaped) character of a class; false when malformed. There must be more chunk after it.</summary>
    private static bool ClassChar(string chunk, ref int c, out int rune)
    {
        rune = 0;
        if (c >= chunk.Length || chunk[c] == '-' || chunk[c] == ']')
            return false;
        if (chunk[c] == '\\')
        {
            c++;
            if (c >= chunk.Length)
                return false;
        }
        rune = NextRune(chunk, ref c);
        return c < chunk.Length;
    }

    private static int NextRune(string s, ref int i)
    {
        if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
        {
            var r = char.ConvertToUtf32(s[i], s[i + 1]);
            i += 2;
            return r;
        }
        return s[i++];
    }
}
