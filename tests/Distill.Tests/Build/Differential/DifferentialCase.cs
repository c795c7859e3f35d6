using Distill.Tests.Support;

namespace Distill.Tests.Build.Differential;

/// <summary>
/// One directory under <c>Cases/</c>: a build context with its <c>Dockerfile</c>, an optional <c>args</c> file (one
/// build flag a line, e.g. <c>--build-arg K=V</c> or <c>--target STAGE</c>; <c>#</c> starts a comment) and an optional
/// <c>prepare.sh</c> run in the copied context to make what git cannot hold (owners, setuid bits, hard links,
/// archives). Both files are removed from the context before either side builds it.
/// </summary>
public sealed record DifferentialCase(string Name, string Directory, IReadOnlyList<string> Flags)
{
    public static string Root => Path.Combine(Repo.Root, "tests", "Distill.Tests", "Build", "Differential", "Cases");

    public static IEnumerable<string> Names() =>
        System.IO.Directory.GetDirectories(Root).Select(d => Path.GetFileName(d)).Order(StringComparer.Ordinal);

    public static DifferentialCase Load(string name)
    {
        var directory = Path.Combine(Root, name);
        var argsFile = Path.Combine(directory, "args");
        var flags = File.Exists(argsFile)
            ? File.ReadAllLines(argsFile)
                .Select(l => l.Trim())
                .Where(l => l.Length > 0 && !l.StartsWith('#'))
                .SelectMany(l => l.Split(' ', 2, StringSplitOptions.TrimEntries))
                .ToList()
            : [];
        return new DifferentialCase(name, directory, flags);
    }

    /// <summary>The image tag both sides may use for this case.</summary>
    public string Tag => "distill-differential/" + Name.ToLowerInvariant();

    /// <summary>Copies the case into <paramref name="temp"/> as a build context, prepared, and returns its path.</summary>
    public async Task<string> PrepareContextAsync(TempDir temp)
    {
        var context = temp["context"];
        System.IO.Directory.CreateDirectory(context);
        await Tool.RunOkAsync("cp", ["-a", Directory + "/.", context + "/"]);
        var prepare = Path.Combine(context, "prepare.sh");
        if (File.Exists(prepare))
        {
            await Tool.RunOkAsync("bash", ["-euo", "pipefail", prepare], workingDirectory: context);
            File.Delete(prepare);
        }
        File.Delete(Path.Combine(context, "args"));
        return context;
    }
}
