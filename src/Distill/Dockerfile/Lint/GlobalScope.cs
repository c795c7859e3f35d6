namespace Distill.Dockerfile;

/// <summary>
/// The ARGs FROM lines see: the meta ARGs (declared before the first FROM; declared without a value they expand to
/// nothing), the automatic platform ARGs, and — unless only defaults are wanted — the build args.
/// </summary>
internal sealed class GlobalScope
{
    private readonly Dictionary<string, string?> _declared = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, string> _automatic;

    /// <summary>The scope; <paramref name="onExpanded"/> is called for each meta ARG default expanded, with what it used.</summary>
    public GlobalScope(LintContext context, bool withBuildArgs, Action<ArgInstruction, string, ExpansionResult>? onExpanded = null)
    {
        var buildArgs = context.Options.BuildArgs;
        _automatic = buildArgs.Automatic();
        foreach (var arg in context.MetaArgs)
        {
            foreach (var declaration in arg.Args)
            {
                string? value = null;
                if (withBuildArgs && buildArgs.Values.TryGetValue(declaration.Name, out var given))
                    value = given;
                else if (declaration.Default is not null)
                {
                    try
                    {
                        var expanded = context.Lex.Process(declaration.Default, Lookup);
                        onExpanded?.Invoke(arg, declaration.Default, expanded);
                        value = expanded.Result;
                    }
                    catch (ShellExpansionException e)
                    {
                        if (onExpanded is not null)
                            context.ReportSyntax(e.Message, arg.Range);
                        value = declaration.Default;
                    }
                }
                _declared[declaration.Name] = value;
            }
        }
    }

    /// <summary>Names FROM may use: the meta ARGs and the automatic ones.</summary>
    public IEnumerable<string> Names => _declared.Keys.Concat(_automatic.Keys);

    public bool IsDeclared(string name) => _declared.ContainsKey(name) || _automatic.ContainsKey(name);

    /// <summary>The value of a meta ARG (null when it was declared without one), if declared.</summary>
    public bool TryGetMeta(string name, out string? value) => _declared.TryGetValue(name, out value);

    /// <summary>The lookup for expansion: declared ARGs without a value expand to nothing; undeclared names are unset.</summary>
    public string? Lookup(string name)
    {
        if (_declared.TryGetValue(name, out var value))
            return value ?? "";
        return _automatic.TryGetValue(name, out var automatic) ? automatic : null;
    }
}
