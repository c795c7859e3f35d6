using System.Text.RegularExpressions;

namespace Distill.Analysis;

/// <summary>
/// Finds, inside a root filesystem, what the dynamic loader would load for an executable: its interpreter and the
/// transitive closure of <c>DT_NEEDED</c>, breadth first as <c>ld.so</c> does. glibc's order: <c>DT_RPATH</c> (of the
/// object, then of the executable, when the object has no <c>DT_RUNPATH</c>), <c>LD_LIBRARY_PATH</c>, <c>DT_RUNPATH</c>,
/// <c>/etc/ld.so.cache</c>, the default directories — each directory's <c>glibc-hwcaps</c> subdirectories first; then,
/// as a diagnosis only, the ld.so.conf directories the cache does not cover. musl's: <c>LD_LIBRARY_PATH</c>, RPATH or
/// RUNPATH, <c>/etc/ld-musl-ARCH.path</c> (or its default). A candidate of the wrong class or machine is skipped,
/// as the loader skips it. Libraries are read in batches (one pass per layer per round), not one by one.
/// </summary>
public sealed partial class LibraryResolver(IRootFilesystem fs, LoaderConfiguration config)
{
    /// <summary>Larger ELF files are not read (nothing that large is a library).</summary>
    public const long ElfLimit = 1L << 30;

    private readonly Dictionary<string, ElfFile?> _parsed = new(StringComparer.Ordinal);

    public async Task<DependencyClosure> ResolveAsync(string executablePath, ElfFile executable, string workingDirectory, CancellationToken ct)
    {
        var notes = new List<ClosureNote>();
        var missing = new List<MissingLibrary>();
        var libraries = new List<LoadedObject>();
        var main = new LoadedObject(executablePath, executablePath, executablePath, "", LibrarySource.Path, executable);
        LoadedObject? interpreter = null;
        MissingLibrary? missingInterpreter = null;
        if (executable.Interpreter is { } interp)
        {
            var found = await FindAsync(new Pending(interp, main, [(interp, LibrarySource.Path)]), notes, ct);
            if (found.Loaded is { } loaded)
                interpreter = loaded;
            else
                missingInterpreter = found.Missing;
        }
        var known = new HashSet<string>(StringComparer.Ordinal);
        var wave = new List<LoadedObject> { main };
        while (wave.Count > 0)
        {
            var pending = new List<Pending>();
            foreach (var requester in wave)
            {
                foreach (var name in requester.Elf.Needed)
                {
                    if (!known.Add(name) || IsProvidedBy(name, interpreter, libraries))
                        continue;
                    if (config.Musl && interpreter is not null && MuslBuiltIn().IsMatch(name))
                    {
                        libraries.Add(interpreter with { Name = name, NeededBy = requester.Path, Source = LibrarySource.Loader });
                        continue;
                    }
                    pending.Add(new Pending(name, requester, Candidates(name, requester, main, workingDirectory)));
                }
            }
            var found = await FindAllAsync(pending, notes, ct);
            wave = [];
            foreach (var result in found)
            {
                if (result.Loaded is { } loaded)
                {
                    libraries.Add(loaded);
                    wave.Add(loaded);
                }
                else if (result.Missing is { } lost)
                {
                    missing.Add(lost);
                }
            }
        }
        return new DependencyClosure(interpreter, missingInterpreter, libraries, missing, notes);
    }

    /// <summary>An already loaded object answers to its soname (libc's DT_NEEDED on ld-linux-x86-64.so.2 is the interpreter).</summary>
    private static bool IsProvidedBy(string name, LoadedObject? interpreter, List<LoadedObject> libraries) =>
        (interpreter is not null && (interpreter.Elf.SoName == name || Path.GetFileName(interpreter.Path) == name))
        || libraries.Any(l => l.Elf.SoName == name);

    private async Task<Found> FindAsync(Pending pending, List<ClosureNote> notes, CancellationToken ct) =>
        (await FindAllAsync([pending], notes, ct))[0];

    /// <summary>Rounds: each pending name takes its next existing candidate; all of them are read in one batch and checked.</summary>
    private async Task<List<Found>> FindAllAsync(List<Pending> pending, List<ClosureNote> notes, CancellationToken ct)
    {
        var results = new Found?[pending.Count];
        while (true)
        {
            var round = new List<(int Index, ResolvedPath Path, LibrarySource Source)>();
            for (var i = 0; i < pending.Count; i++)
            {
                if (results[i] is not null)
                    continue;
                var p = pending[i];
                ResolvedPath? next = null;
                var source = LibrarySource.Path;
                while (next is null && p.Next < p.Candidates.Count)
                {
                    var (candidate, from) = p.Candidates[p.Next];
                    var resolved = RootPath.Resolve(fs, candidate);
                    if (resolved.Problem == PathProblem.SymlinkLoop)
                        p.Rejected.Add($"{candidate}: too many levels of symbolic links");
                    if (resolved is { Exists: true, Entry.Kind: Oci.TarEntryKind.File })
                    {
                        next = resolved;
                        source = from;
                    }
                    else
                    {
                        p.Next++;
                    }
                }
                if (next is null)
                    results[i] = new Found(null, new MissingLibrary(p.Name, p.Requester.Path, p.Rejected.Count == 0 ? null : string.Join("; ", p.Rejected)));
                else
                    round.Add((i, next, source));
            }
            if (round.Count == 0)
                return results.Select(r => r!).ToList();
            var unread = round.Select(r => r.Path.Path).Where(path => !_parsed.ContainsKey(path)).Distinct().ToList();
            var elfs = await fs.ReadElfFilesAsync(unread, ct);
            foreach (var path in unread)
            {
                var elf = elfs.GetValueOrDefault(path);
                _parsed[path] = elf;
                foreach (var problem in elf?.Problems ?? [])
                    notes.Add(new ClosureNote(path, problem));
            }
            foreach (var (index, resolved, source) in round)
            {
                var p = pending[index];
                var candidate = p.Candidates[p.Next].Path;
                p.Next++;
                var elf = _parsed[resolved.Path];
                if (elf is null || elf.Bits == 0)
                    p.Rejected.Add($"{candidate}: not a readable ELF file");
                else if (!elf.IsCompatibleWith(p.Requester.Elf))
                    p.Rejected.Add($"{candidate}: {elf.Describe()}, not {p.Requester.Elf.Describe()}");
                else
                    results[index] = new Found(new LoadedObject(p.Name, candidate, resolved.Path, p.Requester.Path, source, elf), null);
            }
        }
    }

    /// <summary>Where the loader would look for <paramref name="name"/> needed by <paramref name="requester"/>, in order.</summary>
    private List<(string Path, LibrarySource Source)> Candidates(string name, LoadedObject requester, LoadedObject main, string workingDirectory)
    {
        var result = new List<(string, LibrarySource)>();
        if (name.Contains('/', StringComparison.Ordinal))
        {
            result.Add((Absolute(name, workingDirectory), LibrarySource.Path));
            return result;
        }
        void AddDirs(IEnumerable<string> dirs, LibrarySource source, string? origin)
        {
            foreach (var dir in dirs)
            {
                var expanded = Absolute(origin is null ? dir : Expand(dir, origin, requester.Elf), workingDirectory);
                foreach (var hwcap in config.HwCaps)
                    result.Add((RootPath.Join(expanded, $"glibc-hwcaps/{hwcap}/{name}"), source));
                result.Add((RootPath.Join(expanded, name), source));
            }
        }
        // $ORIGIN: the executable's real path (the kernel's /proc/self/exe), a library's path as it was opened
        var origin = RootPath.Parent(ReferenceEquals(requester, main) ? main.RealPath : requester.Path);
        if (config.Musl)
        {
            AddDirs(config.LdLibraryPath, LibrarySource.LdLibraryPath, null);
            AddDirs(SearchPath(requester.Elf.RunPath ?? requester.Elf.RPath), requester.Elf.RunPath is null ? LibrarySource.RPath : LibrarySource.RunPath, origin);
            AddDirs(config.DefaultDirectories, LibrarySource.MuslPath, null);
        }
        else
        {
            if (requester.Elf.RunPath is null)
            {
                AddDirs(SearchPath(requester.Elf.RPath), LibrarySource.RPath, origin);
                if (!ReferenceEquals(requester, main) && main.Elf.RunPath is null)
                    AddDirs(SearchPath(main.Elf.RPath), LibrarySource.RPath, RootPath.Parent(main.RealPath));
            }
            AddDirs(config.LdLibraryPath, LibrarySource.LdLibraryPath, null);
            AddDirs(SearchPath(requester.Elf.RunPath), LibrarySource.RunPath, origin);
            foreach (var cached in config.Cache?.Lookup(name) ?? [])
                result.Add((cached, LibrarySource.LdSoCache));
            AddDirs(config.DefaultDirectories, LibrarySource.DefaultDirectory, null);
            AddDirs(config.ConfDirectories, LibrarySource.LdSoConf, null);
        }
        return result.Distinct().ToList();
    }

    /// <summary>Expands <c>$ORIGIN</c>, <c>$LIB</c> and <c>$PLATFORM</c> (bare or in braces) in a search path entry.</summary>
    public string Expand(string dir, string origin, ElfFile elf) => Token().Replace(dir, m => (m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value) switch
    {
        "ORIGIN" => origin,
        "LIB" => config.Lib,
        "PLATFORM" => ElfMachine.Platform(elf.Machine),
        _ => m.Value,
    });

    private static string[] SearchPath(string? value) => value?.Split(':', StringSplitOptions.RemoveEmptyEntries) ?? [];

    private static string Absolute(string path, string workingDirectory) =>
        RootPath.Normalize(path.StartsWith('/') ? path : RootPath.Join(workingDirectory.Length == 0 ? "/" : workingDirectory, path));

    [GeneratedRegex(@"\$(?:\{(ORIGIN|LIB|PLATFORM)\}|(ORIGIN|LIB|PLATFORM)\b)")]
    private static partial Regex Token();

    /// <summary>Libraries musl's loader is itself (libc, libm, libpthread, librt, libdl, libutil, libxnet).</summary>
    [GeneratedRegex(@"^lib(c|pthread|rt|m|dl|util|xnet)\.so(\.\d+)*$")]
    private static partial Regex MuslBuiltIn();

    private sealed record Pending(string Name, LoadedObject Requester, List<(string Path, LibrarySource Source)> Candidates)
    {
        public int Next { get; set; }
        public List<string> Rejected { get; } = [];
    }

    private sealed record Found(LoadedObject? Loaded, MissingLibrary? Missing);
}
