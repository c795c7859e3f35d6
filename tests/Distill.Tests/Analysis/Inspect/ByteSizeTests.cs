using Distill.Cli;

namespace Distill.Tests.Analysis.Inspect;

/// <summary>The sizes inspect's gates take: bytes, decimal units as Docker prints them, binary units.</summary>
public sealed class ByteSizeTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("1048576", 1048576L)]
    [InlineData("512B", 512L)]
    [InlineData("10MB", 10_000_000L)]
    [InlineData("10mb", 10_000_000L)]
    [InlineData("10M", 10_000_000L)]
    [InlineData("1.5kB", 1500L)]
    [InlineData("2KB", 2000L)]
    [InlineData("1GB", 1_000_000_000L)]
    [InlineData("1.5GiB", 1610612736L)]
    [InlineData("4KiB", 4096L)]
    [InlineData(" 3 MiB ", 3145728L)]
    [InlineData("1TB", 1_000_000_000_000L)]
    public void Sizes_parse_with_decimal_and_binary_units(string text, long bytes) => Assert.Equal(bytes, ByteSize.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("MB")]
    [InlineData("-1")]
    [InlineData("1e3")]
    [InlineData("12XB")]
    [InlineData("1,5MB")]
    [InlineData("99999999999TB")]
    public void Bad_sizes_are_format_errors_naming_the_value(string text)
    {
        var error = Assert.Throws<FormatException>(() => ByteSize.Parse(text));
        Assert.Contains($"\"{text}\"", error.Message, StringComparison.Ordinal);
    }
}
