using Distill.Cli;

namespace Distill.Tests.Cli;

public sealed class TerminalTextTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("\u001b[1;31mred\u001b[0m", "red")]
    [InlineData("\u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\", "link")]
    [InlineData("downloading 10%\rdownloading 99%\r", "downloading 99%")]
    [InlineData("a\tb\tc", "a       b       c")]
    [InlineData("ab\tc", "ab      c")]
    [InlineData("one\ntwo", "one two")]
    [InlineData("bell\u0007 del\u007f nul\u0000", "bell del nul")]
    [InlineData("cut\u001b[", "cut")]
    public void Clean_keeps_what_a_terminal_would_show(string line, string shown) =>
        Assert.Equal(shown, TerminalText.Clean(line));

    [Theory]
    [InlineData("abc", 3)]
    [InlineData("日本語", 6)]
    [InlineData("e\u0301", 1)]
    [InlineData("🙂!", 3)]
    public void Columns_count_wide_characters_twice_and_combining_marks_not_at_all(string text, int columns) =>
        Assert.Equal(columns, TerminalText.Columns(text));

    [Theory]
    [InlineData("abcdef", 4, "abcd")]
    [InlineData("abc", 4, "abc")]
    [InlineData("日本語", 5, "日本")]
    [InlineData("a🙂b", 2, "a")]
    [InlineData("a🙂b", 3, "a🙂")]
    public void Fit_cuts_to_columns_never_inside_a_character(string text, int columns, string fitted) =>
        Assert.Equal(fitted, TerminalText.Fit(text, columns));
}
