namespace Distill.Tests.Support;

/// <summary>Paths of the checkout and of shared/ beside it.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    /// <summary><c>../shared</c> next to the checkout (schemas, conformance data).</summary>
    public static string Shared
    {
        get
        {
            var path = Path.GetFullPath(Path.Combine(Root, "..", "shared"));
            Assert.True(Directory.Exists(path), $"shared/ not found beside the checkout at {path}");
            return path;
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Distill.slnx")))
                return dir.FullName;
        }
        throw new InvalidOperationException("checkout root (Distill.slnx) not found above " + AppContext.BaseDirectory);
    }
}
