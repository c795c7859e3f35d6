using System.Text.RegularExpressions;
using Distill.Oci;

namespace Distill.Analysis;

/// <summary>
/// A Python interpreter (the entrypoint, or the interpreter of a <c>#!</c> script) starts only when it finds its standard
/// library: CPython's getpath takes the prefix from <c>PYTHONHOME</c> or from the executable's place (<c>/usr/bin/python3.11</c>
/// → <c>/usr</c>) and looks for the landmark <c>PREFIX/lib/pythonX.Y/os.py</c> (or <c>os.pyc</c>, or <c>lib/pythonXY.zip</c>);
/// without it, it dies with "No module named 'encodings'". X.Y comes from the executable's name (<c>python3.11</c>) or its
/// <c>libpythonX.Y.so</c>; when neither tells, any <c>lib/python3.*</c> with the landmark will do.
/// </summary>
public static partial class PythonStdlibCheck
{
    public static IReadOnlyList<VerifyFinding> Run(IRootFilesystem fs, ElfFile elf, string path, IReadOnlyDictionary<string, string> env)
    {
        var name = path[(path.LastIndexOf('/') + 1)..];
        if (!Interpreter().IsMatch(name))
            return [];
        var version = Interpreter().Match(name).Groups["version"].Value;
        if (version.Length == 0 && elf.Needed.Select(n => LibPython().Match(n)).FirstOrDefault(m => m.Success) is { } library)
            version = library.Groups["version"].Value;
        var prefix = env.TryGetValue("PYTHONHOME", out var home) && home.Length > 0 ? home.Split(':')[0] : Prefix(path);
        var lib = RootPath.Join(prefix, "lib");
        var names = RootPath.Resolve(fs, lib) is { Exists: true } dir ? fs.List(dir.Path) : [];
        var landmarks = version.Length > 0
            ? [$"python{version}/os.py", $"python{version}/os.pyc", $"python{version.Replace(".", "", StringComparison.Ordinal)}.zip"]
            : names.Where(n => Directory().IsMatch(n)).SelectMany(n => new[] { n + "/os.py", n + "/os.pyc" }).Concat(names.Where(n => Zip().IsMatch(n))).ToList();
        if (landmarks.Any(l => IsFile(fs, RootPath.Join(lib, l))))
            return [];
        var expected = RootPath.Join(lib, "python" + (version.Length > 0 ? version : "3.N")) + "/os.py";
        return [new VerifyFinding(VerifyRules.PythonStdlibMissing, VerifySeverity.Error,
            $"{path} is Python but its standard library is not in the image (no {expected}{(home is { Length: > 0 } ? $", PYTHONHOME={home}" : "")}): it stops at start with \"No module named 'encodings'\"", expected)];
    }

    /// <summary>CPython's default prefix: the executable's directory, one level up when that is a <c>bin</c>.</summary>
    private static string Prefix(string executable)
    {
        var dir = RootPath.Parent(executable);
        return dir.EndsWith("/bin", StringComparison.Ordinal) ? RootPath.Parent(dir) : dir;
    }

    private static bool IsFile(IRootFilesystem fs, string path) => RootPath.Resolve(fs, path) is { Exists: true, Entry.Kind: TarEntryKind.File };

    [GeneratedRegex(@"^python(?<version>[0-9]+\.[0-9]+)?[0-9]*$")]
    private static partial Regex Interpreter();

    [GeneratedRegex(@"^libpython(?<version>[0-9]+\.[0-9]+)")]
    private static partial Regex LibPython();

    [GeneratedRegex(@"^python[0-9]+\.[0-9]+$")]
    private static partial Regex Directory();

    [GeneratedRegex(@"^python[0-9]+\.zip$")]
    private static partial Regex Zip();
}
