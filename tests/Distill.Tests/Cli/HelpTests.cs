using Distill.Tests.Support;

namespace Distill.Tests.Cli;

/// <summary>
/// Help is part of the interface: every command's <c>--help</c> works and names its options. Only option names are
/// pinned (wording may change); a missing one means an option was renamed or dropped, which breaks scripts.
/// </summary>
public sealed class HelpTests
{
    public static TheoryData<string, string[]> Commands => new()
    {
        { "", ["pack", "copy", "images", "tag", "rmi", "builder", "inspect", "--help", "--version"] },
        { "pack", ["<DIR>", "--entrypoint", "--cmd", "--env", "-e", "--workdir", "--user", "--label", "--expose", "--base", "--app-dir",
            "--platform", "--tag", "-t", "--output", "-o", "--compression", "--split-layers", "--digestfile"] },
        { "copy", ["<SRC>", "<DEST>", "--platform", "--digestfile"] },
        { "images", ["--quiet", "-q"] },
        { "tag", ["<SRC>", "<DST>"] },
        { "rmi", ["<REF>"] },
        { "builder", ["du", "prune"] },
        { "builder du", ["--verbose", "-v"] },
        { "builder prune", ["--all", "-a", "--filter", "--keep-storage", "--force", "-f"] },
        { "sbom", ["<IMAGE>", "--format", "--output", "-o", "--platform", "--src-tls-verify", "--src-creds", "--registries-conf", "--authfile"] },
        { "inspect", ["<IMAGE>", "--json", "--platform", "--top", "--max-size", "--max-wasted", "--min-efficiency", "--fail-on", "--registries-conf"] },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_exits_zero_and_lists_the_options(string command, string[] expected)
    {
        using var box = new CliSandbox();
        string[] args = command.Length == 0 ? ["--help"] : [.. command.Split(' '), "--help"];
        var result = await box.OkAsync(args);
        Assert.Empty(result.Stderr);
        Assert.Contains("Usage:", result.Stdout, StringComparison.Ordinal);
        var words = result.Stdout.Split([' ', '\n', ','], StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        foreach (var option in expected)
            Assert.True(words.Contains(option), $"distill {string.Join(' ', args)} does not list {option}:\n{result.Stdout}");
        Assert.False(Directory.Exists(box.Store.Root), "--help touched the store");
    }

    [Fact]
    public async Task No_command_or_an_unknown_one_fails()
    {
        using var box = new CliSandbox();
        var unknown = await box.RunAsync("frobnicate");
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("frobnicate", unknown.Stderr, StringComparison.Ordinal);
    }
}
