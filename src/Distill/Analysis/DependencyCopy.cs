using Distill.Oci;

namespace Distill.Analysis;

/// <summary>
/// The closure copy (<c>distill pack --with-deps</c>): what must be added to an image so that a dynamically linked
/// program runs in it, taken from a source root. The target is checked with the loader's rules (<see cref="LibraryResolver"/>)
/// as it would be with the additions so far; whatever is missing — the <c>PT_INTERP</c> loader, a <c>DT_NEEDED</c>
/// library, transitively — is looked up in the source with the same rules and placed where the target's loader looks:
/// the path it had in the source when that directory is one the target searches without an <c>ld.so.cache</c> (the
/// default and multiarch directories, <c>LD_LIBRARY_PATH</c>), else the first default directory. Symlinks on the
/// way (<c>/lib64/ld-linux-x86-64.so.2 -> /lib/x86_64-linux-gnu/…</c>, merged-usr <c>/lib -> usr/lib</c>, version
/// links such as <c>libicuuc.so.72 -> libicuuc.so.72.1</c>) are copied as the source has them, unless the target
/// already has that path. Known runtime loads (<see cref="RuntimeLoadCheck"/>: ICU and OpenSSL for .NET, NSS
/// modules, a CA bundle) are added the same way. Anything the program cannot start without and the source lacks is
/// an error naming it; optional loads the source lacks are notes.
/// </summary>
public sealed class DependencyCopy
{
    private const int MaxRounds = 32;

    private readonly DependencyCopyRequest _request;
    private readonly ElfFile _elf;
    private readonly IReadOnlyDictionary<string, string> _env;
    private readonly string _workingDirectory;
    private readonly PlannedRootFilesystem _planned;
    private readonly IRootFilesystem _view;
    private readonly List<(string Path, ElfFile Elf)> _roots = [];
    private readonly Dictionary<string, DependencyClosure> _sourceClosures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _placed = new(StringComparer.Ordinal);
    private readonly List<string> _notes = [];
    private LibraryResolver? _sourceResolver;
    private LoaderConfiguration? _sourceConfig;

    private DependencyCopy(DependencyCopyRequest request, ElfFile elf)
    {
        _request = request;
        _elf = elf;
        _env = EntrypointCheck.Environment(request.Config.Config?.Env);
        _workingDirectory = request.Config.Config?.WorkingDir is { Length: > 0 } wd ? wd : "/";
        _planned = new PlannedRootFilesystem(request.Source);
        _view = new LayeredRootFilesystem([_planned, request.Target]);
    }

    private IRootFilesystem Source => _request.Source;

    private string Program => _request.ExecutablePath;

    public static async Task<DependencyCopyPlan> PlanAsync(DependencyCopyRequest request, CancellationToken ct)
    {
        if (ElfReader.Read(request.Executable) is not { Bits: > 0 } elf)
            return new DependencyCopyPlan([], [$"{request.ExecutablePath} is not an ELF executable: nothing to add"]);
        // the source's libraries for this program would not load on the image's platform (verify says platform-mismatch)
        if (ElfMachine.Architecture(elf.Machine, elf.Bits, elf.BigEndian) is { } architecture && architecture != request.Config.Architecture)
            throw new InvalidImageException($"{request.ExecutablePath} is {elf.Describe()} ({architecture}) but the image is {request.Config.Os}/{request.Config.Architecture}: its dependencies cannot be added");
        var copy = new DependencyCopy(request, elf);
        await copy.RunAsync(ct);
        var files = copy._planned.Added.OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
        var size = files.Where(f => f.Kind == TarEntryKind.File).Sum(f => copy._planned.Lstat(f.Path)!.Size);
        return new DependencyCopyPlan(files, copy._notes) { Size = size };
    }

    private async Task RunAsync(CancellationToken ct)
    {
        _sourceConfig = await LoaderConfiguration.LoadAsync(Source, _elf, _env, ct);
        _sourceResolver = new LibraryResolver(Source, _sourceConfig);
        if (_elf.IsStatic)
            _notes.Add($"{Program} is statically linked: it needs no loader and no library");
        else
            _roots.Add((Program, _elf));
        await AddRuntimeLoadsAsync(ct);
        await AddClosuresAsync(ct);
    }

    /// <summary>Rounds until the loader, looking at the target with what was added, finds everything for every root.</summary>
    private async Task AddClosuresAsync(CancellationToken ct)
    {
        for (var round = 0; round < MaxRounds; round++)
        {
            var config = await LoaderConfiguration.LoadAsync(_view, _elf, _env, ct);
            var resolver = new LibraryResolver(_view, config);
            // several roots may miss the same library in a round; one missed again in a later round was placed where the loader does not look
            var thisRound = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (path, elf) in _roots.ToList())
            {
                var closure = await resolver.ResolveAsync(path, elf, _workingDirectory, ct);
                if (closure.MissingInterpreter is not null && thisRound.Add(elf.Interpreter!))
                {
                    var interpreter = elf.Interpreter!;
                    var found = RootPath.Resolve(Source, interpreter);
                    if (found is not { Exists: true, Entry.Kind: TarEntryKind.File })
                        throw new InvalidImageException($"the loader {interpreter} of {Program} is not in {Source.Description}");
                    PlaceOnce(interpreter, interpreter, found.Path);
                }
                foreach (var missing in closure.Missing)
                {
                    if (!thisRound.Add(missing.Name))
                        continue;
                    if (await FindInSourceAsync(path, elf, missing, ct) is { } found)
                        PlaceOnce(missing.Name, Placement(found, config), found.RealPath);
                }
            }
            if (thisRound.Count == 0)
                return;
        }
        throw new InvalidImageException($"the dependencies of {Program} did not settle after {MaxRounds} rounds");
    }

    /// <summary>
    /// A library the target's loader misses, as the source's loader finds it for the same requester; null when the
    /// loader itself is that library (glibc's libc names ld-linux-x86-64.so.2; musl's loader is its libc), as it is
    /// placed as the interpreter.
    /// </summary>
    private async Task<LoadedObject?> FindInSourceAsync(string rootPath, ElfFile rootElf, MissingLibrary missing, CancellationToken ct)
    {
        var closure = await SourceClosureAsync(rootPath, rootElf, ct);
        if (closure.Libraries.FirstOrDefault(l => l.Name == missing.Name) is { } found)
            return found.Source == LibrarySource.Loader ? null : found;
        if (closure.Interpreter is { } loader && (loader.Elf.SoName == missing.Name || Path.GetFileName(loader.Path) == missing.Name))
            return null;
        var reason = closure.Missing.FirstOrDefault(m => m.Name == missing.Name)?.Reason;
        throw new InvalidImageException($"{missing.Name} (needed by {missing.NeededBy}) is not in {Source.Description}" + (reason is null ? "" : $" ({reason})"));
    }

    /// <summary>A root's closure as the source's loader sees it (once per root).</summary>
    private async Task<DependencyClosure> SourceClosureAsync(string rootPath, ElfFile rootElf, CancellationToken ct)
    {
        if (!_sourceClosures.TryGetValue(rootPath, out var closure))
            _sourceClosures[rootPath] = closure = await _sourceResolver!.ResolveAsync(rootPath, rootElf, _workingDirectory, ct);
        return closure;
    }

    /// <summary>Where a library goes in the target: its source path when the target's loader searches that directory, else the first default one.</summary>
    private static string Placement(LoadedObject found, LoaderConfiguration target)
    {
        if (found.Name.Contains('/', StringComparison.Ordinal))
            return found.Path;
        var directory = RootPath.Parent(found.Path);
        if (!found.Path.Contains("/glibc-hwcaps/", StringComparison.Ordinal)
            && (target.DefaultDirectories.Contains(directory, StringComparer.Ordinal) || target.LdLibraryPath.Contains(directory, StringComparer.Ordinal)))
            return found.Path;
        return RootPath.Join(target.DefaultDirectories[0], found.Name);
    }

    /// <summary>Places a library the loader missed; missed again at the same place means the target's loader does not look there.</summary>
    private void PlaceOnce(string name, string imagePath, string sourceFile)
    {
        if (_placed.TryGetValue(name, out var earlier) && earlier == imagePath)
            throw new InvalidImageException($"{name} was added at {imagePath}, but the loader of the image would still not find it there");
        _placed[name] = imagePath;
        Place(name, imagePath, sourceFile);
    }

    /// <summary>
    /// Makes <paramref name="imagePath"/> resolve to a copy of the source file <paramref name="sourceFile"/> in the
    /// view, one component at a time: what the view has is followed; what it lacks is copied from the source at
    /// the same path (a symlink as it is, when it leads the same way), else created (a directory, then the file).
    /// </summary>
    private void Place(string name, string imagePath, string sourceFile)
    {
        var pending = new Stack<string>(RootPath.Normalize(imagePath).Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse());
        var current = "/";
        var links = 0;
        while (pending.Count > 0)
        {
            var component = pending.Pop();
            if (component is "." or "..")
            {
                current = component == ".." ? RootPath.Parent(current) : current;
                continue;
            }
            var candidate = RootPath.Join(current, component);
            var last = pending.Count == 0;
            if (_view.Lstat(candidate) is { } existing)
            {
                if (existing.Kind == TarEntryKind.Symlink)
                {
                    Follow(existing.LinkTarget, ref current, pending, ref links, imagePath);
                    continue;
                }
                if (last && existing.Kind == TarEntryKind.File)
                    return; // reached under another name already
                if (last || existing.Kind != TarEntryKind.Directory)
                    throw new InvalidImageException($"cannot add {name} at {imagePath}: {candidate} is a {existing.Kind.ToString().ToLowerInvariant()} in the image");
                current = candidate;
                continue;
            }
            var inSource = RootPath.Resolve(Source, candidate, followLast: false);
            if (inSource.Entry is { Kind: TarEntryKind.Symlink } link && inSource.Path == candidate
                && RootPath.Resolve(Source, candidate) is { Exists: true } target
                && (last ? target.Path == sourceFile : target.Entry!.Kind == TarEntryKind.Directory))
            {
                _planned.Add(new AddedFile(candidate, TarEntryKind.Symlink, 0x1ff, link.LinkTarget), 0);
                Follow(link.LinkTarget, ref current, pending, ref links, imagePath);
                continue;
            }
            if (!last)
            {
                var mode = inSource.Entry is { Kind: TarEntryKind.Directory } dir ? dir.Mode & 0xfff : 0x1ed;
                _planned.Add(new AddedFile(candidate, TarEntryKind.Directory, mode, ""), 0);
                current = candidate;
                continue;
            }
            var file = Source.Lstat(sourceFile)!;
            _planned.Add(new AddedFile(candidate, TarEntryKind.File, file.Mode & 0xfff, sourceFile), file.Size);
        }
    }

    private static void Follow(string linkTarget, ref string current, Stack<string> pending, ref int links, string imagePath)
    {
        if (++links > RootPath.MaxSymlinks)
            throw new InvalidImageException($"cannot add {imagePath}: too many levels of symbolic links");
        if (linkTarget.StartsWith('/'))
            current = "/";
        foreach (var part in linkTarget.Split('/', StringSplitOptions.RemoveEmptyEntries).Reverse())
            pending.Push(part);
    }

    /// <summary>What <c>DT_NEEDED</c> cannot show (see <see cref="RuntimeLoadCheck"/>), added when the target lacks it.</summary>
    private async Task AddRuntimeLoadsAsync(CancellationToken ct)
    {
        var bytes = _request.Executable;
        var target = await LoaderConfiguration.LoadAsync(_view, _elf, _env, ct);
        if (RuntimeLoadCheck.NeedsIcu(_elf, bytes, _env) && RuntimeLoadCheck.IcuLibraries.Any(n => !RuntimeLoadCheck.HasVersionedLibrary(_view, target, n)))
        {
            // .NET's ICU loader dlopens libicuuc.so.N and libicui18n.so.N with the same N, probing majors
            var majors = RuntimeLoadCheck.IcuLibraries
                .Select(n => Majors(n).Select(m => m.Version.Major).ToHashSet())
                .Aggregate((a, b) => { a.IntersectWith(b); return a; });
            if (majors.Count == 0)
                throw new InvalidImageException($"{Program} is .NET without invariant globalization and loads ICU (libicuuc.so.N, libicui18n.so.N), which {Source.Description} does not have");
            foreach (var library in RuntimeLoadCheck.IcuLibraries)
                await AddRootAsync(Majors(library).First(m => m.Version.Major == majors.Max()).Path, target, ct);
        }
        if (RuntimeLoadCheck.NeedsOpenSsl(_elf, bytes) && !RuntimeLoadCheck.HasVersionedLibrary(_view, target, "libssl"))
        {
            var ssl = RuntimeLoadCheck.VersionedLibraries(Source, _sourceConfig!, "libssl").OrderByDescending(v => v.Version).FirstOrDefault();
            if (ssl.Path is null)
                _notes.Add($"{Program} loads OpenSSL (libssl.so.N) on first use of cryptography; {Source.Description} has none, so none was added");
            else
                await AddRootAsync(ssl.Path, target, ct);
        }
        if (_elf.Needed.Contains("libc.so.6"))
        {
            foreach (var service in await RuntimeLoadCheck.NssServicesAsync(_view, ct))
            {
                var module = RuntimeLoadCheck.NssModule(service);
                if (RuntimeLoadCheck.HasLibrary(_view, target, module))
                    continue;
                var found = RuntimeLoadCheck.SearchDirectories(_sourceConfig!).Select(d => RootPath.Join(d, module))
                    .FirstOrDefault(p => RootPath.Resolve(Source, p) is { Exists: true, Entry.Kind: TarEntryKind.File });
                if (found is null)
                    _notes.Add($"/etc/nsswitch.conf names \"{service}\" but {Source.Description} has no {module}, so none was added");
                else
                    await AddRootAsync(found, target, ct);
            }
        }
        var libraries = _elf.IsStatic ? [] : (await SourceClosureAsync(Program, _elf, ct)).Libraries.Select(l => l.Name);
        if (RuntimeLoadCheck.UsesTls(_elf, bytes, libraries) && !RuntimeLoadCheck.HasCaBundle(_view, _env))
        {
            var bundle = RuntimeLoadCheck.CaBundles.FirstOrDefault(b => RootPath.Resolve(Source, b) is { Exists: true, Entry.Kind: TarEntryKind.File });
            if (bundle is null)
                _notes.Add($"{Program} can make TLS connections but {Source.Description} has no CA bundle ({RuntimeLoadCheck.CaBundles[0]} or the like), so none was added");
            else
                Place(bundle, bundle, RootPath.Resolve(Source, bundle).Path);
        }
    }

    /// <summary><c>NAME.so.MAJOR</c> files the source's loader would find (the names .NET probes first).</summary>
    private List<(string Path, Version Version)> Majors(string name) =>
        RuntimeLoadCheck.VersionedLibraries(Source, _sourceConfig!, name).Where(v => v.Path.EndsWith($".so.{v.Version.Major}", StringComparison.Ordinal)).ToList();

    /// <summary>Adds a library loaded at run time (by the source path the loader names it) and makes it a root of the closure.</summary>
    private async Task AddRootAsync(string sourcePath, LoaderConfiguration target, CancellationToken ct)
    {
        var resolved = RootPath.Resolve(Source, sourcePath);
        var bytes = (await Source.ReadFilesAsync([resolved.Path], LibraryResolver.ElfLimit, ct)).GetValueOrDefault(resolved.Path);
        if (bytes is null || ElfReader.Read(bytes) is not { Bits: > 0 } elf || !elf.IsCompatibleWith(_elf))
            throw new InvalidImageException($"{sourcePath} in {Source.Description} is not a library for {_elf.Describe()}");
        var name = Path.GetFileName(sourcePath);
        var placed = Placement(new LoadedObject(name, sourcePath, resolved.Path, Program, LibrarySource.DefaultDirectory, elf), target);
        Place(name, placed, resolved.Path);
        _roots.Add((placed, elf));
    }
}
