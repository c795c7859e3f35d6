using System.IO.Enumeration;
using System.Text;

namespace Distill.Analysis;

/// <summary>
/// How the dynamic loader of a root filesystem searches for libraries, read from that filesystem: for glibc,
/// <c>/etc/ld.so.cache</c>, <c>/etc/ld.so.conf</c> (with <c>include</c> globs) and the default and multiarch
/// directories; for musl, <c>/etc/ld-musl-ARCH.path</c> or its default; <c>LD_LIBRARY_PATH</c> from the image's Env.
/// </summary>
public sealed record LoaderConfiguration
{
    public const long ConfigurationLimit = 16 << 20;
    private const int MaxIncludeDepth = 8;

    public bool Musl { get; init; }
    public IReadOnlyList<string> LdLibraryPath { get; init; } = [];
    public LdSoCache? Cache { get; init; }
    public IReadOnlyList<string> ConfDirectories { get; init; } = [];
    public IReadOnlyList<string> DefaultDirectories { get; init; } = [];

    /// <summary>glibc's <c>$LIB</c>: <c>lib/x86_64-linux-gnu</c> on Debian, <c>lib64</c> elsewhere on 64-bit, else <c>lib</c>.</summary>
    public string Lib { get; init; } = "lib";

    /// <summary>x86-64 micro-architecture levels glibc looks for under <c>DIR/glibc-hwcaps/</c>, best first.</summary>
    public IReadOnlyList<string> HwCaps { get; init; } = [];

    /// <summary>The files <see cref="LoadAsync"/> reads (worth reading while indexing an image).</summary>
    public static bool IsConfigurationFile(string path) =>
        path.StartsWith("/etc/ld.so.", StringComparison.Ordinal) || path.StartsWith("/etc/ld-musl-", StringComparison.Ordinal);

    public static async Task<LoaderConfiguration> LoadAsync(IRootFilesystem fs, ElfFile executable, IReadOnlyDictionary<string, string> env, CancellationToken ct)
    {
        var ldLibraryPath = env.TryGetValue("LD_LIBRARY_PATH", out var value) ? value.Split(':', StringSplitOptions.RemoveEmptyEntries) : [];
        if (executable.Interpreter?.Contains("ld-musl-", StringComparison.Ordinal) == true)
        {
            var pathFile = await RootPath.ReadFileAsync(fs, $"/etc/ld-musl-{ElfMachine.Musl(executable.Machine)}.path", ConfigurationLimit, ct);
            var dirs = pathFile is null
                ? ["/lib", "/usr/local/lib", "/usr/lib"]
                : Encoding.UTF8.GetString(pathFile).Split([':', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return new LoaderConfiguration { Musl = true, LdLibraryPath = ldLibraryPath, DefaultDirectories = dirs };
        }
        var cacheBytes = await RootPath.ReadFileAsync(fs, "/etc/ld.so.cache", ConfigurationLimit, ct);
        var confDirs = new List<string>();
        await ReadConfAsync(fs, "/etc/ld.so.conf", confDirs, 0, ct);
        var triplet = ElfMachine.Multiarch(executable.Machine, executable.Bits);
        var defaults = new List<string>();
        if (triplet is not null)
            defaults.AddRange([$"/lib/{triplet}", $"/usr/lib/{triplet}"]);
        if (executable.Bits == 64)
            defaults.AddRange(["/lib64", "/usr/lib64"]);
        defaults.AddRange(["/lib", "/usr/lib"]);
        var lib = triplet is not null && RootPath.Resolve(fs, $"/lib/{triplet}").Exists ? $"lib/{triplet}"
            : executable.Bits == 64 && RootPath.Resolve(fs, "/lib64").Exists ? "lib64" : "lib";
        return new LoaderConfiguration
        {
            LdLibraryPath = ldLibraryPath,
            Cache = cacheBytes is null ? null : LdSoCache.Parse(cacheBytes),
            ConfDirectories = confDirs.Distinct(StringComparer.Ordinal).ToList(),
            DefaultDirectories = defaults,
            Lib = lib,
            HwCaps = executable.Machine == ElfMachine.Amd64 ? ["x86-64-v4", "x86-64-v3", "x86-64-v2"] : [],
        };
    }

    /// <summary>Directories of an ld.so.conf file; <c>include GLOB…</c> lines are followed (relative globs from the file's directory).</summary>
    private static async Task ReadConfAsync(IRootFilesystem fs, string path, List<string> dirs, int depth, CancellationToken ct)
    {
        if (depth > MaxIncludeDepth || await RootPath.ReadFileAsync(fs, path, ConfigurationLimit, ct) is not { } bytes)
            return;
        foreach (var raw in Encoding.UTF8.GetString(bytes).Split('\n'))
        {
            var hash = raw.IndexOf('#', StringComparison.Ordinal);
            var line = (hash < 0 ? raw : raw[..hash]).Trim();
            if (line.Length == 0 || line.StartsWith("hwcap ", StringComparison.Ordinal))
                continue;
            if (line.StartsWith("include", StringComparison.Ordinal) && line.Length > 7 && char.IsWhiteSpace(line[7]))
            {
                foreach (var pattern in line[8..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
                {
                    var absolute = pattern.StartsWith('/') ? pattern : RootPath.Join(RootPath.Parent(path), pattern);
                    foreach (var file in Glob(fs, absolute))
                        await ReadConfAsync(fs, file, dirs, depth + 1, ct);
                }
                continue;
            }
            // "dir=TYPE" is an old libc5 syntax: the type is ignored
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            dirs.Add((eq < 0 ? line : line[..eq]).TrimEnd('/') is { Length: > 0 } dir ? dir : "/");
        }
    }

    /// <summary>Matches <c>*</c> and <c>?</c> in the last component, sorted as glob(3) sorts.</summary>
    private static IEnumerable<string> Glob(IRootFilesystem fs, string pattern)
    {
        var directory = RootPath.Parent(pattern);
        var name = pattern[(pattern.LastIndexOf('/') + 1)..];
        if (name.IndexOfAny(['*', '?', '[']) < 0)
            return [pattern];
        var resolved = RootPath.Resolve(fs, directory);
        if (!resolved.Exists)
            return [];
        return fs.List(resolved.Path).Where(n => FileSystemName.MatchesSimpleExpression(name, n, ignoreCase: false))
            .Order(StringComparer.Ordinal).Select(n => RootPath.Join(directory, n));
    }
}
