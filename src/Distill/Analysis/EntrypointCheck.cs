using System.Text;
using Distill.Oci;

namespace Distill.Analysis;

/// <summary>
/// Whether a container's first process can start in a root filesystem, checked statically the way the kernel and
/// the loader would act: argv[0] found (through the image's PATH when it has no slash, as runc looks it up), a
/// regular executable file, a <c>#!</c> script whose interpreter passes the same check (up to the kernel's depth),
/// or an ELF file of the image's architecture whose interpreter and libraries are all there.
/// </summary>
public sealed class EntrypointCheck(IRootFilesystem fs, ImageConfig image)
{
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private const int MaxScriptDepth = 4;

    private readonly List<VerifyFinding> _findings = [];
    private readonly IReadOnlyDictionary<string, string> _env = Environment(image.Config?.Env);
    private DependencyClosure? _closure;

    /// <summary>The command a container runs: Entrypoint followed by Cmd (Cmd alone without an Entrypoint).</summary>
    public static IReadOnlyList<string> Command(ContainerConfig? config) =>
        config?.Entrypoint is { Count: > 0 } entrypoint ? [.. entrypoint, .. config.Cmd ?? []] : config?.Cmd ?? [];

    public async Task<VerifyReport> RunAsync(CancellationToken ct)
    {
        var argv = Command(image.Config);
        if (argv.Count == 0 || argv[0].Length == 0)
        {
            _findings.Add(new VerifyFinding(VerifyRules.NoCommand, VerifySeverity.Error, "the image has no entrypoint and no command: nothing to run", null));
            return new VerifyReport(null, _findings, null);
        }
        await CheckExecutableAsync(argv[0], "entrypoint", 0, ct);
        return new VerifyReport(argv[0], _findings, _closure);
    }

    private async Task CheckExecutableAsync(string program, string role, int depth, CancellationToken ct)
    {
        if (Locate(program, role) is not { } resolved)
            return;
        var entry = resolved.Entry!;
        if (entry.Kind != TarEntryKind.File)
        {
            Error(VerifyRules.NotRegularFile, $"{role} {program} is a {entry.Kind.ToString().ToLowerInvariant()}, not a file", resolved.Path);
            return;
        }
        if (!entry.IsExecutable)
            Error(VerifyRules.NotExecutable, $"{role} {program} is not executable (mode {Convert.ToString(entry.Mode & 0xfff, 8)})", resolved.Path);
        var bytes = (await fs.ReadFilesAsync([resolved.Path], LibraryResolver.ElfLimit, ct)).GetValueOrDefault(resolved.Path);
        if (bytes is null)
        {
            Error(VerifyRules.ExecFormat, $"{role} {program} could not be read", resolved.Path);
            return;
        }
        if (bytes.AsSpan().StartsWith("#!"u8))
        {
            await CheckScriptAsync(bytes, program, resolved.Path, depth, ct);
            return;
        }
        if (ElfReader.Read(bytes) is not { } elf)
        {
            Error(VerifyRules.ExecFormat, $"{role} {program} is neither an ELF executable nor a #! script (exec format error)", resolved.Path);
            return;
        }
        var closure = await CheckElfAsync(elf, program, role, resolved.Path, ct);
        if (elf.Bits != 0)
            _findings.AddRange(await RuntimeLoadCheck.RunAsync(fs, elf, bytes, resolved.Path, _env, closure?.Libraries.Select(l => l.Name) ?? [], ct));
    }

    /// <summary>argv[0] as runc finds it: a path (relative to WorkingDir) or the first executable match in PATH.</summary>
    private ResolvedPath? Locate(string program, string role)
    {
        if (!program.Contains('/', StringComparison.Ordinal))
        {
            var path = _env.GetValueOrDefault("PATH") ?? DefaultPath;
            foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = RootPath.Resolve(fs, RootPath.Join(Absolute(dir), program));
                if (candidate is { Exists: true, Entry: { Kind: TarEntryKind.File, IsExecutable: true } })
                    return candidate;
            }
            Error(VerifyRules.CommandNotFound, $"{role} {program}: not found in PATH ({path})", null);
            return null;
        }
        var resolved = RootPath.Resolve(fs, Absolute(program));
        switch (resolved.Problem)
        {
            case PathProblem.SymlinkLoop:
                Error(VerifyRules.SymlinkLoop, $"{role} {program}: too many levels of symbolic links (at {resolved.Path})", program);
                return null;
            case PathProblem.NotFound or PathProblem.NotDirectory:
                Error(VerifyRules.CommandNotFound, $"{role} {program}: no such file in the image" + (resolved.Path != RootPath.Normalize(program) ? $" (missing {resolved.Path})" : ""), program);
                return null;
        }
        return resolved;
    }

    private async Task CheckScriptAsync(byte[] bytes, string program, string path, int depth, CancellationToken ct)
    {
        // the kernel reads the #! line from the first 256 bytes: interpreter, then one optional argument
        var line = Encoding.UTF8.GetString(bytes.AsSpan(2, Math.Min(bytes.Length, 256) - 2));
        var newline = line.IndexOf('\n', StringComparison.Ordinal);
        var words = (newline < 0 ? line : line[..newline]).Trim().Split([' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length == 0)
        {
            Error(VerifyRules.ExecFormat, $"{program}: #! line names no interpreter", path);
            return;
        }
        if (depth >= MaxScriptDepth)
        {
            Error(VerifyRules.ExecFormat, $"{program}: too many levels of #! interpreters", path);
            return;
        }
        var count = _findings.Count;
        await CheckExecutableAsync(words[0], $"interpreter of {program}:", depth + 1, ct);
        if (_findings.Count > count && _findings[count].Rule == VerifyRules.CommandNotFound)
            _findings[count] = _findings[count] with { Rule = VerifyRules.ScriptInterpreterMissing };
        // "#!/usr/bin/env python3": env looks the program up in PATH
        if (words.Length == 2 && Path.GetFileName(words[0]) == "env" && words[1].Split(' ')[0] is { Length: > 0 } target && !target.StartsWith('-'))
        {
            count = _findings.Count;
            await CheckExecutableAsync(target, $"interpreter of {program} (through env):", depth + 1, ct);
            if (_findings.Count > count && _findings[count].Rule == VerifyRules.CommandNotFound)
                _findings[count] = _findings[count] with { Rule = VerifyRules.ScriptInterpreterMissing };
        }
    }

    /// <summary>Platform, interpreter and libraries of an ELF program; its closure, or null when it has none (static or not loadable).</summary>
    private async Task<DependencyClosure?> CheckElfAsync(ElfFile elf, string program, string role, string path, CancellationToken ct)
    {
        if (elf.Bits == 0)
        {
            Error(VerifyRules.MalformedElf, $"{role} {program}: {string.Join("; ", elf.Problems)}", path);
            return null;
        }
        foreach (var problem in elf.Problems)
            Warning(VerifyRules.MalformedElf, $"{role} {program}: {problem}", path);
        if (elf.Type is not (ElfObjectType.Executable or ElfObjectType.PositionIndependentExecutable or ElfObjectType.SharedObject))
        {
            Error(VerifyRules.ExecFormat, $"{role} {program} is an ELF {elf.Type.ToString().ToLowerInvariant()} file, not an executable", path);
            return null;
        }
        var architecture = ElfMachine.Architecture(elf.Machine, elf.Bits, elf.BigEndian);
        if (architecture != image.Architecture)
            Error(VerifyRules.PlatformMismatch, $"{role} {program} is {elf.Describe()} ({architecture ?? "unknown architecture"}) but the image is {image.Os}/{image.Architecture}", path);
        if (elf.IsStatic)
            return null;
        var loader = await LoaderConfiguration.LoadAsync(fs, elf, _env, ct);
        var closure = await new LibraryResolver(fs, loader).ResolveAsync(path, elf, Absolute(image.Config?.WorkingDir ?? "/"), ct);
        _closure ??= closure;
        if (closure.MissingInterpreter is { } interpreter)
            Error(VerifyRules.InterpreterMissing, $"{role} {program} needs the ELF interpreter {interpreter.Name}, which is not in the image{Reason(interpreter)}", interpreter.Name);
        foreach (var library in closure.Missing)
            Error(VerifyRules.LibraryMissing, $"{library.Name} (needed by {library.NeededBy}) is not in the image{Reason(library)}", library.NeededBy);
        foreach (var library in closure.Libraries.Where(l => l.Source == LibrarySource.LdSoConf))
            Warning(VerifyRules.LibraryNotInCache, $"{library.Name} (needed by {library.NeededBy}) is at {library.Path}, an /etc/ld.so.conf directory that /etc/ld.so.cache does not list: the loader will not find it until ldconfig runs", library.Path);
        foreach (var note in closure.Notes)
            Warning(VerifyRules.MalformedElf, $"{note.Path}: {note.Message}", note.Path);
        return closure;
    }

    private static string Reason(MissingLibrary missing) => missing.Reason is null ? "" : $" ({missing.Reason})";

    private string Absolute(string path) =>
        path.StartsWith('/') ? RootPath.Normalize(path) : RootPath.Normalize(RootPath.Join(image.Config?.WorkingDir is { Length: > 0 } wd ? wd : "/", path));

    private void Error(VerifyRule rule, string message, string? path) => _findings.Add(new VerifyFinding(rule, VerifySeverity.Error, message, path));

    private void Warning(VerifyRule rule, string message, string? path) => _findings.Add(new VerifyFinding(rule, VerifySeverity.Warning, message, path));

    /// <summary>An image Env list as a dictionary (a later KEY wins; KEY alone is empty).</summary>
    internal static Dictionary<string, string> Environment(IReadOnlyList<string>? env)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in env ?? [])
        {
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            result[eq < 0 ? entry : entry[..eq]] = eq < 0 ? "" : entry[(eq + 1)..];
        }
        return result;
    }
}
