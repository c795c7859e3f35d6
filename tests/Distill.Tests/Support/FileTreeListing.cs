using System.Security.Cryptography;

namespace Distill.Tests.Support;

/// <summary>
/// What a directory tree holds, for comparing an unpacked image with the tree it was made from: every entry's
/// type, permission bits, owner, link count, symlink target and content hash (as <c>find -printf</c> sees them).
/// </summary>
public static class FileTreeListing
{
    public static async Task<IReadOnlyList<string>> OfAsync(string root)
    {
        var result = await Tool.RunOkAsync("find", [".", "-mindepth", "1", "-printf", "%P\t%y\t%m\t%U:%G\t%n\t%l\n"], workingDirectory: root);
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line =>
            {
                var fields = line.Split('\t');
                var path = Path.Combine(root, fields[0]);
                var content = fields[1] == "f" ? Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))) : "";
                return $"{line}\t{content}";
            })
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Fails unless both trees list the same, entry for entry.</summary>
    public static async Task AssertSameAsync(string expectedRoot, string actualRoot)
    {
        var expected = await OfAsync(expectedRoot);
        var actual = await OfAsync(actualRoot);
        Assert.True(expected.SequenceEqual(actual),
            $"{actualRoot} differs from {expectedRoot}:\nexpected:\n{string.Join('\n', expected)}\nactual:\n{string.Join('\n', actual)}");
    }
}
