namespace Distill.Dockerfile;

/// <summary>
/// Walks each stage with its variable scope, as a build would dispatch it, for the checks that need it:
/// UndefinedVar, WorkdirRelativePath, JSONArgsRecommended (an explicit SHELL is inherited by child stages) and
/// CopyIgnoredFile. A stage built on an earlier stage inherits its ENV, SHELL and WORKDIR state.
/// </summary>
internal sealed class StageWalker
{
    private readonly LintContext _context;
    private readonly GlobalScope _globals;

    /// <summary>What a stage leaves for stages built on it.</summary>
    private sealed record Outcome(IReadOnlyDictionary<string, string> Env, BaseEnvironment Base, bool ExplicitShell, bool AbsoluteWorkdir);

    private StageWalker(LintContext context)
    {
        _context = context;
        _globals = new GlobalScope(context, withBuildArgs: true, (arg, word, expanded) => ReportUndefined(arg.Node, word, expanded, _ => false, []));
    }

    public static void Run(LintContext context)
    {
        var walker = new StageWalker(context);
        var outcomes = new Outcome?[context.Stages.Count];
        foreach (var stage in context.Stages)
            outcomes[stage.Index] = walker.Walk(stage, outcomes);
    }

    private Outcome? Walk(LintStage stage, Outcome?[] outcomes)
    {
        if (stage.From is not { } from)
            return null;
        string baseName;
        try
        {
            baseName = _context.Lex.ProcessWord(from.BaseName, _globals.Lookup);
        }
        catch (ShellExpansionException)
        {
            baseName = from.BaseName;
        }
        var parent = _context.Stages.Take(stage.Index).LastOrDefault(s => string.Equals(s.Name, baseName, StringComparison.OrdinalIgnoreCase));
        var inherited = parent is null ? null : outcomes[parent.Index];
        var baseEnv = inherited?.Base ?? BaseOf(baseName);
        var env = new Dictionary<string, string>(inherited?.Env ?? baseEnv.Known, StringComparer.Ordinal);
        env.TryAdd("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        var args = new Dictionary<string, string?>(StringComparer.Ordinal);
        var explicitShell = inherited?.ExplicitShell ?? false;
        var absoluteWorkdir = inherited?.AbsoluteWorkdir ?? false;

        string? Lookup(string name)
        {
            if (env.TryGetValue(name, out var value))
                return value;
            if (args.TryGetValue(name, out var arg))
                return arg ?? "";
            return baseEnv.MayDefine(name) ? "" : null;
        }

        IEnumerable<string> Known() => env.Keys.Concat(args.Keys).Concat(baseEnv.Names);

        string Expand(Instruction instruction, string word)
        {
            try
            {
                var expanded = _context.Lex.Process(word, Lookup);
                ReportUndefined(instruction.Node, word, expanded, baseEnv.MayDefine, Known());
                return expanded.Result;
            }
            catch (ShellExpansionException e)
            {
                _context.ReportSyntax(e.Message, instruction.Range);
                return word;
            }
        }

        foreach (var instruction in stage.Instructions)
        {
            switch (instruction)
            {
                case ArgInstruction arg:
                    foreach (var declaration in arg.Args)
                    {
                        if (declaration.Default is not null)
                            args[declaration.Name] = Expand(arg, declaration.Default);
                        else if (_context.Options.BuildArgs.Values.TryGetValue(declaration.Name, out var given))
                            args[declaration.Name] = given;
                        else if (_globals.TryGetMeta(declaration.Name, out var meta))
                            args[declaration.Name] = meta;
                        else
                            args[declaration.Name] = BuildArgs.IsAutomatic(declaration.Name) ? _context.Options.BuildArgs.Automatic()[declaration.Name] : null;
                    }
                    break;
                case EnvInstruction envInstruction:
                    foreach (var pair in envInstruction.Pairs)
                        env[Expand(envInstruction, pair.Key)] = Expand(envInstruction, pair.Value);
                    break;
                case LabelInstruction label:
                    foreach (var pair in label.Pairs)
                    {
                        Expand(label, pair.Key);
                        Expand(label, pair.Value);
                    }
                    break;
                case CopyInstruction copy:
                    CheckCopy(copy, copy.Sources.Where(s => !s.StartsWith("<<", StringComparison.Ordinal)).Select(s => (s, Expand(copy, s))).ToList());
                    Expand(copy, copy.Destination);
                    foreach (var flag in new[] { copy.Flags.Chown, copy.Flags.Chmod, copy.Flags.From })
                    {
                        if (flag is not null)
                            Expand(copy, flag);
                    }
                    break;
                case ExposeInstruction expose:
                    foreach (var port in expose.Ports)
                        Expand(expose, port);
                    break;
                case VolumeInstruction volume:
                    foreach (var path in volume.Paths)
                        Expand(volume, path);
                    break;
                case UserInstruction user:
                    Expand(user, user.User);
                    break;
                case StopSignalInstruction signal:
                    Expand(signal, signal.Signal);
                    break;
                case WorkdirInstruction workdir:
                {
                    var path = Expand(workdir, workdir.Path);
                    if (path.StartsWith('/') || IsWindowsAbsolute(path))
                        absoluteWorkdir = true;
                    else if (!absoluteWorkdir && path.Length > 0 && !workdir.Path.StartsWith('$'))
                    {
                        _context.Report(LintRules.WorkdirRelativePath, $"Relative workdir '{path}' can have unexpected results if the base image changes",
                            _context.Locate(workdir.Node, workdir.Path));
                    }
                    break;
                }
                case ShellInstruction:
                    explicitShell = true;
                    break;
                case CmdInstruction or EntrypointInstruction when !instruction.Node.IsJson && !explicitShell:
                    _context.Report(LintRules.JSONArgsRecommended,
                        $"JSON arguments recommended for {instruction.Keyword} to prevent unintended behavior related to OS signals",
                        LintContext.KeywordRange(instruction.Node));
                    break;
            }
        }
        return new Outcome(env, baseEnv, explicitShell, absoluteWorkdir);
    }

    private BaseEnvironment BaseOf(string image)
    {
        if (image.Equals("scratch", StringComparison.OrdinalIgnoreCase))
            return BaseEnvironment.Scratch;
        return _context.Options.BaseImageEnv?.Invoke(image) is { } known ? BaseEnvironment.Of(known) : BaseEnvironment.Unknown(image);
    }

    private static bool IsWindowsAbsolute(string path) => path.Length >= 3 && char.IsAsciiLetter(path[0]) && path[1] == ':' && path[2] is '\\' or '/';

    /// <summary>
    /// UndefinedVar for each variable the word used that nothing defines; a variable only used with a fallback
    /// (<c>${V:-x}</c>, <c>${V+x}</c>, <c>${V?msg}</c>…) is expected to be unset and is not reported.
    /// </summary>
    private void ReportUndefined(Node node, string word, ExpansionResult expanded, Func<string, bool> baseMayDefine, IEnumerable<string> known)
    {
        foreach (var name in expanded.Unmatched.Order(StringComparer.Ordinal))
        {
            var plain = LintContext.PlainVariableUse(name);
            if (baseMayDefine(name) || !plain.IsMatch(word))
                continue;
            var suggestion = NameSuggestion.Closest(name, known.Append("PATH"));
            _context.Report(LintRules.UndefinedVar,
                $"Usage of undefined variable '${name}'" + (suggestion is null ? "" : $" (did you mean ${suggestion}?)"),
                _context.TryLocate(node, plain) ?? _context.Locate(node, LintContext.VariableUse(name)));
        }
    }

    /// <summary>CopyIgnoredFile: a local source (not a URL, glob, heredoc or the whole context) that .dockerignore excludes.</summary>
    private void CheckCopy(CopyInstruction copy, IReadOnlyList<(string Written, string Expanded)> sources)
    {
        if (_context.Options.IsIgnored is not { } isIgnored || copy.Flags.From is not null || !_context.Enabled(LintRules.CopyIgnoredFile))
            return;
        foreach (var (written, expanded) in sources)
        {
            if (expanded.Contains("://", StringComparison.Ordinal) || expanded.StartsWith("git@", StringComparison.Ordinal)
                || expanded.IndexOfAny(['*', '?', '[']) >= 0)
                continue;
            var path = ContextPath(expanded);
            if (path.Length == 0 || !isIgnored(path))
                continue;
            var verb = copy.IsAdd ? "Add" : "Copy";
            _context.Report(LintRules.CopyIgnoredFile, $"Attempting to {verb} file \"{written}\" that is excluded by .dockerignore",
                _context.Locate(copy.Node, written));
        }
    }

    /// <summary>A source as a clean path relative to the context root: <c>./a/../b/</c> → <c>b</c>; the root itself is empty.</summary>
    internal static string ContextPath(string source)
    {
        var parts = new List<string>();
        foreach (var part in source.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
                continue;
            if (part == "..")
            {
                if (parts.Count > 0)
                    parts.RemoveAt(parts.Count - 1);
                continue;
            }
            parts.Add(part);
        }
        return string.Join('/', parts);
    }
}
