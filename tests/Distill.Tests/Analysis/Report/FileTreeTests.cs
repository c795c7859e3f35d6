using Distill.Analysis.Report;

namespace Distill.Tests.Analysis.Report;

/// <summary>Cutting a filesystem tree down to a node budget keeps totals and the largest nodes.</summary>
public sealed class FileTreeTests
{
    private static FileTreeNode File(string path, long size) => new(path[(path.LastIndexOf('/') + 1)..], path, size, false, 1, []);

    private static FileTreeNode Directory(string path, params FileTreeNode[] children) =>
        new(path == "/" ? "/" : path[(path.LastIndexOf('/') + 1)..], path, children.Sum(c => c.Size), true, children.Sum(c => c.Files),
            children.OrderByDescending(c => c.Size).ToList());

    [Fact]
    public void Pruning_groups_the_small_siblings_and_keeps_sizes()
    {
        var many = Enumerable.Range(0, 50).Select(i => File($"/usr/share/doc/f{i:00}", 100 + i)).ToArray();
        var root = Directory("/", Directory("/usr", Directory("/usr/share", Directory("/usr/share/doc", many)), File("/usr/big", 1_000_000)), File("/app", 50_000));

        var pruned = FileTree.Prune(root, 12);

        Assert.True(pruned.CountNodes() <= 12, $"{pruned.CountNodes()} nodes kept");
        Assert.Equal(root.Size, pruned.Size);
        AssertSizesAddUp(pruned);
        var doc = pruned.Children.Single(c => c.Name == "usr").Children.Single(c => c.Name == "share").Children.Single();
        var more = doc.Children.Single(c => c.Collapsed > 0);
        Assert.Equal(50, doc.Children.Count - 1 + more.Collapsed);
        Assert.Contains(doc.Children, c => c.Name == "f49"); // the largest stay
    }

    [Fact]
    public void A_tree_within_budget_is_kept_whole()
    {
        var root = Directory("/", Directory("/etc", File("/etc/passwd", 10)), File("/app", 5));
        Assert.Equal(root.CountNodes(), FileTree.Prune(root, 100).CountNodes());
    }

    private static void AssertSizesAddUp(FileTreeNode node)
    {
        if (node.Children.Count == 0)
            return;
        Assert.Equal(node.Size, node.Children.Sum(c => c.Size));
        foreach (var child in node.Children)
            AssertSizesAddUp(child);
    }
}
