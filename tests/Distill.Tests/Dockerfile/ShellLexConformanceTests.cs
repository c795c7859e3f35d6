using Distill.Dockerfile;
using Distill.Tests.Support;

namespace Distill.Tests.Dockerfile;

/// <summary>BuildKit's word-expansion data: envVarTest (one word) and wordsTest (splitting), from ../shared.</summary>
public sealed class ShellLexConformanceTests
{
    private static string Data => Path.Combine(Repo.Shared, "conformance", "buildkit-dockerfile");

    private static readonly Func<string, string?> EnvVarTestEnv =
        ShellLex.FromEnvList(["PWD=/home", "SHELL=bash", "KOREAN=한국어", "NULL="]);

    public static TheoryData<int, string, string> EnvVarCases
    {
        get
        {
            var data = new TheoryData<int, string, string>();
            var lineNumber = 0;
            foreach (var raw in File.ReadLines(Path.Combine(Data, "envVarTest")))
            {
                lineNumber++;
                var line = raw.Trim();
                if (line.Length == 0 || line.StartsWith('#'))
                    continue;
                var parts = line.Split('|');
                Assert.Equal(3, parts.Length);
                if (parts[0].Trim() is "A" or "U")
                    data.Add(lineNumber, parts[1].Trim(), parts[2].Trim());
            }
            return data;
        }
    }

    [Fact]
    public void EnvVarTest_has_its_cases() => Assert.True(EnvVarCases.Count > 200);

    [Theory]
    [MemberData(nameof(EnvVarCases))]
    public void Expands_words_like_buildkit(int line, string input, string expected)
    {
        var lex = new ShellLex();
        if (expected == "error")
        {
            Assert.Throws<ShellExpansionException>(() => lex.ProcessWord(input, EnvVarTestEnv));
            return;
        }
        Assert.True(expected == lex.ProcessWord(input, EnvVarTestEnv), $"envVarTest line {line}: {input} gave {lex.ProcessWord(input, EnvVarTestEnv)}, expected {expected}");
    }

    private sealed record WordsCase(int Line, string Input, string[] Expected, List<string> Env);

    private static List<WordsCase> WordsCases()
    {
        var cases = new List<WordsCase>();
        var env = new List<string>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(Path.Combine(Data, "wordsTest")))
        {
            lineNumber++;
            if (line.StartsWith('#'))
                continue;
            if (line.StartsWith("ENV ", StringComparison.Ordinal))
            {
                env.Add(line[3..].TrimStart(' '));
                continue;
            }
            var parts = line.Split('|');
            Assert.Equal(2, parts.Length);
            cases.Add(new WordsCase(lineNumber, parts[0].Trim(), parts[1].TrimStart(' ').Split(','), [.. env]));
        }
        return cases;
    }

    [Fact]
    public void Splits_words_like_buildkit()
    {
        var lex = new ShellLex();
        var cases = WordsCases();
        Assert.Equal(24, cases.Count);
        foreach (var c in cases)
            Assert.True(c.Expected.SequenceEqual(Split(lex, c)), $"wordsTest line {c.Line}: {c.Input} gave [{string.Join(",", Split(lex, c))}]");
    }

    /// <summary>
    /// The second mode, raw quotes and unset variables kept: it keeps the quote characters in the words, so its
    /// words equal the expected ones exactly where the input has no quotes and uses no unset variable; on the
    /// others it must still agree once quotes are removed, and never fail where the normal mode succeeds.
    /// </summary>
    [Fact]
    public void Splits_words_with_raw_quotes_and_unset_variables_kept()
    {
        var lex = new ShellLex(new ShellLexOptions { RawQuotes = true, SkipUnsetEnv = true });
        var normal = new ShellLex();
        var checkedExactly = 0;
        foreach (var c in WordsCases())
        {
            var result = Split(lex, c);
            var env = ShellLex.FromEnvList(c.Env);
            var usesUnset = c.Expected is ["error"] || normal.Process(c.Input, env).Unmatched.Count > 0;
            if (!c.Input.Contains('"', StringComparison.Ordinal) && !c.Input.Contains('\'', StringComparison.Ordinal) && !usesUnset)
            {
                Assert.True(c.Expected.SequenceEqual(result), $"wordsTest line {c.Line} (raw mode): {c.Input} gave [{string.Join(",", result)}]");
                checkedExactly++;
            }
            else if (c.Expected is not ["error"])
            {
                Assert.NotEqual(["error"], result);
            }
        }
        Assert.True(checkedExactly >= 5, $"only {checkedExactly} lines compared exactly");
    }

    private static string[] Split(ShellLex lex, WordsCase c)
    {
        try
        {
            return [.. lex.ProcessWords(c.Input, ShellLex.FromEnvList(c.Env))];
        }
        catch (ShellExpansionException)
        {
            return ["error"];
        }
    }
}
