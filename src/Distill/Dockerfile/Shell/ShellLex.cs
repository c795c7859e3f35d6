using System.Text;
using System.Text.RegularExpressions;

namespace Distill.Dockerfile;

/// <summary>
/// Dockerfile word expansion and splitting, with BuildKit's semantics: <c>$V</c>, <c>${V}</c>, <c>${V:-x}</c>,
/// <c>${V-x}</c>, <c>${V:+x}</c>, <c>${V+x}</c>, <c>${V:?m}</c>, <c>${V?m}</c>, <c>${V#p}</c>, <c>${V##p}</c>,
/// <c>${V%p}</c>, <c>${V%%p}</c>, <c>${V/p/r}</c>, <c>${V//p/r}</c>; single and double quotes; the escape character.
/// Variables come from a lookup so ARG/ENV scoping stays with the caller.
/// </summary>
public sealed class ShellLex(ShellLexOptions options)
{
    public ShellLex() : this(new ShellLexOptions()) { }

    public ShellLexOptions Options { get; } = options;

    public string ProcessWord(string word, Func<string, string?> env) => Process(word, env).Result;

    public IReadOnlyList<string> ProcessWords(string word, Func<string, string?> env) => Process(word, env).Words;

    /// <summary>Expands and splits; throws <see cref="ShellExpansionException"/> on bad input.</summary>
    public ExpansionResult Process(string word, Func<string, string?> env)
    {
        var state = new State(word, env, Options);
        var (result, words) = state.ProcessStopOn(null, Options.RawEscapes);
        return new ExpansionResult(result, words, state.Matched ?? Empty, state.Unmatched ?? Empty);
    }

    private static readonly HashSet<string> Empty = [];

    /// <summary>A lookup over <c>K=V</c> strings, the last definition winning.</summary>
    public static Func<string, string?> FromEnvList(IEnumerable<string> env)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in env)
        {
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            map[eq < 0 ? entry : entry[..eq]] = eq < 0 ? "" : entry[(eq + 1)..];
        }
        return name => map.TryGetValue(name, out var v) ? v : null;
    }

    private sealed class State(string source, Func<string, string?> env, ShellLexOptions options)
    {
        private int _pos;
        private bool _rawEscapes = options.RawEscapes;
        // allocated on first use: most words reference no variable
        public HashSet<string>? Matched { get; private set; }
        public HashSet<string>? Unmatched { get; private set; }

        private const int Eof = -1;
        private int Peek() => _pos < source.Length ? source[_pos] : Eof;
        private int Next() => _pos < source.Length ? source[_pos++] : Eof;

        public (string Result, List<string> Words) ProcessStopOn(char? stop, bool rawEscapes)
        {
            var result = new StringBuilder();
            var words = new WordList();
            var saved = _rawEscapes;
            _rawEscapes = rawEscapes;
            try
            {
                while (Peek() != Eof)
                {
                    var ch = (char)Peek();
                    if (stop is { } s && ch == s)
                    {
                        Next();
                        return (result.ToString(), words.Finish());
                    }
                    if (ch == '$')
                    {
                        var value = ProcessDollar();
                        result.Append(value);
                        words.AddString(value);
                        continue;
                    }
                    if (!options.SkipProcessQuotes && ch is '\'' or '"')
                    {
                        var value = ch == '\'' ? ProcessSingleQuote() : ProcessDoubleQuote();
                        result.Append(value);
                        words.AddRaw(value);
                        continue;
                    }
                    Next();
                    if (ch == options.EscapeToken)
                    {
                        if (_rawEscapes)
                        {
                            words.AddRaw(ch);
                            result.Append(ch);
                        }
                        var next = Next();
                        if (next == Eof)
                            break;
                        words.AddRaw((char)next);
                        result.Append((char)next);
                        continue;
                    }
                    words.AddChar(ch);
                    result.Append(ch);
                }
                if (stop is { } missing)
                    throw new ShellExpansionException($"unexpected end of statement while looking for matching {missing}");
                return (result.ToString(), words.Finish());
            }
            finally
            {
                _rawEscapes = saved;
            }
        }

        private string ProcessSingleQuote()
        {
            var result = new StringBuilder();
            var ch = Next();
            if (options.RawQuotes)
                result.Append((char)ch);
            while (true)
            {
                ch = Next();
                if (ch == Eof)
                    throw new ShellExpansionException("unexpected end of statement while looking for matching single-quote");
                if (ch == '\'')
                {
                    if (options.RawQuotes)
                        result.Append('\'');
                    return result.ToString();
                }
                result.Append((char)ch);
            }
        }

        private string ProcessDoubleQuote()
        {
            var result = new StringBuilder();
            var open = Next();
            if (options.RawQuotes)
                result.Append((char)open);
            while (true)
            {
                var peek = Peek();
                if (peek == Eof)
                    throw new ShellExpansionException("unexpected end of statement while looking for matching double-quote");
                if (peek == '"')
                {
                    Next();
                    if (options.RawQuotes)
                        result.Append('"');
                    return result.ToString();
                }
                if (peek == '$')
                {
                    result.Append(ProcessDollar());
                    continue;
                }
                var ch = (char)Next();
                if (ch == options.EscapeToken)
                {
                    var following = Peek();
                    if (following == Eof)
                        continue; // a lone escape at the end of the word is dropped
                    if (following == '"' || following == '$' || following == options.EscapeToken)
                    {
                        // only these can be escaped inside double quotes; other escapes stay literal
                        if (_rawEscapes)
                            result.Append(ch);
                        ch = (char)Next();
                    }
                }
                result.Append(ch);
            }
        }

        private string ProcessDollar()
        {
            Next(); // $
            if (Peek() != '{')
            {
                var name = ProcessName();
                if (name.Length == 0)
                    return "$";
                var value = Lookup(name);
                if (value is null && options.SkipUnsetEnv)
                    return "$" + name;
                return value ?? "";
            }
            Next(); // {
            var first = Peek();
            if (first == Eof)
                throw new ShellExpansionException("syntax error: missing '}'");
            if (first is '{' or '}' or ':')
                throw new ShellExpansionException("syntax error: bad substitution");
            var variable = ProcessName();
            var op = Next();
            if (op == Eof)
                throw new ShellExpansionException("syntax error: missing '}'");
            var modifier = ((char)op).ToString();
            switch ((char)op)
            {
                case '}':
                {
                    var value = Lookup(variable);
                    if (value is null && options.SkipUnsetEnv)
                        return $"${{{variable}}}";
                    return value ?? "";
                }
                case ':' or '+' or '-' or '?' or '#' or '%':
                {
                    var nullIsUnset = false;
                    var c = (char)op;
                    if (c == ':')
                    {
                        nullIsUnset = true;
                        var n = Next();
                        if (n == Eof)
                            throw new ShellExpansionException("syntax error: missing '}'");
                        c = (char)n;
                        modifier += c;
                        if (c is not ('+' or '-' or '?'))
                            throw new ShellExpansionException($"unsupported modifier ({modifier}) in substitution");
                    }
                    var rawEscapes = c is '#' or '%';
                    string word;
                    try
                    {
                        word = ProcessStopOn('}', rawEscapes).Result;
                    }
                    catch (ShellExpansionException) when (Peek() == Eof)
                    {
                        throw new ShellExpansionException("syntax error: missing '}'");
                    }
                    var value = Lookup(variable);
                    if (value is null && options.SkipUnsetEnv)
                        return $"${{{variable}{modifier}{word}}}";
                    var set = value is not null;
                    switch (c)
                    {
                        case '-':
                            return !set || (nullIsUnset && value!.Length == 0) ? word : value!;
                        case '+':
                            return !set || (nullIsUnset && value!.Length == 0) ? "" : word;
                        case '?':
                            if (!set)
                                throw new ShellExpansionException($"{variable}: {(word.Length > 0 ? word : "is not allowed to be unset")}");
                            if (nullIsUnset && value!.Length == 0)
                                throw new ShellExpansionException($"{variable}: {(word.Length > 0 ? word : "is not allowed to be empty")}");
                            return value!;
                        default:
                            var greedy = word.Length > 0 && word[0] == c;
                            if (greedy)
                                word = word[1..];
                            return c == '%' ? ShellPattern.TrimSuffix(word, value ?? "", greedy) : ShellPattern.TrimPrefix(word, value ?? "", greedy);
                    }
                }
                case '/':
                {
                    var replaceAll = Peek() == '/';
                    if (replaceAll)
                        Next();
                    string pattern, replacement;
                    try
                    {
                        pattern = ProcessStopOn('/', true).Result;
                    }
                    catch (ShellExpansionException) when (Peek() == Eof)
                    {
                        throw new ShellExpansionException("syntax error: missing '/' in ${}");
                    }
                    try
                    {
                        replacement = ProcessStopOn('}', true).Result;
                    }
                    catch (ShellExpansionException) when (Peek() == Eof)
                    {
                        throw new ShellExpansionException("syntax error: missing '}'");
                    }
                    var value = Lookup(variable);
                    if (value is null && options.SkipUnsetEnv)
                        return $"${{{variable}/{pattern}/{replacement}}}";
                    return ShellPattern.Replace(value ?? "", pattern, replacement, replaceAll);
                }
                default:
                    throw new ShellExpansionException($"unsupported modifier ({modifier}) in substitution");
            }
        }

        private string ProcessName()
        {
            var name = new StringBuilder();
            while (Peek() != Eof)
            {
                var ch = (char)Peek();
                if (name.Length == 0 && char.IsDigit(ch))
                {
                    while (Peek() != Eof && char.IsDigit((char)Peek()))
                        name.Append((char)Next());
                    return name.ToString();
                }
                if (name.Length == 0 && ch is '@' or '*' or '#' or '?' or '-' or '$' or '!' or '0')
                    return ((char)Next()).ToString();
                if (!char.IsLetterOrDigit(ch) && ch != '_')
                    break;
                name.Append((char)Next());
            }
            return name.ToString();
        }

        private string? Lookup(string name)
        {
            var value = env(name);
            if (value is null)
                (Unmatched ??= new HashSet<string>(StringComparer.Ordinal)).Add(name);
            else
                (Matched ??= new HashSet<string>(StringComparer.Ordinal)).Add(name);
            return value;
        }
    }

    /// <summary>Words as the shell splits them: unquoted blanks separate, quoted and escaped text never does.</summary>
    private sealed class WordList
    {
        private readonly List<string> _words = [];
        private readonly StringBuilder _word = new();
        private bool _inWord;

        public void AddChar(char ch)
        {
            if (char.IsWhiteSpace(ch))
            {
                if (_inWord && _word.Length > 0)
                {
                    _words.Add(_word.ToString());
                    _word.Clear();
                    _inWord = false;
                }
                return;
            }
            AddRaw(ch);
        }

        public void AddRaw(char ch)
        {
            _word.Append(ch);
            _inWord = true;
        }

        public void AddString(string s)
        {
            foreach (var ch in s)
                AddChar(ch);
        }

        public void AddRaw(string s)
        {
            _word.Append(s);
            _inWord = true;
        }

        public List<string> Finish()
        {
            if (_word.Length > 0)
            {
                _words.Add(_word.ToString());
                _word.Clear();
                _inWord = false;
            }
            return _words;
        }
    }
}
