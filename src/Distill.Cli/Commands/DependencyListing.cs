using Distill.Analysis;
using Distill.Oci;

namespace Distill.Cli.Commands;

/// <summary>What <c>--with-deps</c> added, as pack and build print it: files and symlinks (their directories are implied), then the notes.</summary>
internal static class DependencyListing
{
    public static void Print(DependencyCopyPlan deps)
    {
        var listed = deps.Files.Where(f => f.Kind != TarEntryKind.Directory).ToList();
        if (listed.Count > 0)
        {
            Console.WriteLine($"Added {listed.Count} file(s) and symlink(s), {CommandRunner.HumanSize(deps.Size)} ({deps.Size} bytes), in a layer of their own:");
            foreach (var file in listed)
                Console.WriteLine($"  {file}");
        }
        foreach (var note in deps.Notes)
            Console.WriteLine($"Note: {note}");
        if (listed.Count == 0)
            Console.WriteLine("Added no dependencies");
    }
}
