using System.Text.RegularExpressions;

namespace Distill.Dockerfile;

/// <summary>
/// The state one lint run shares between checks: the parse result, the typed instructions (those that parse), the
/// meta ARGs and stages, the <c># check</c> directive, and the findings so far.
/// </summary>
internal sealed partial class LintContext
{
    private readonly List<LintFinding> _findings = [];

    public LintContext(ParseResult parsed, LintOptions options)
    {
        Parsed = parsed;
        Options = options;
        Lex = new ShellLex(new ShellLexOptions { EscapeToken = parsed.EscapeToken });
        Check = CheckDirective.Default;
        if (parsed.Directives.FirstOrDefault(d => d.Name == "check") is { } directive)
        {
            try
            {
                Check = CheckDirective.Parse(directive.Value);
            }
            catch (FormatException e)
            {
                ReportSyntax(e.Message, new SourceRange(directive.Line, 1, directive.Line, 1));
            }
        }
        var metaArgs = new List<ArgInstruction>();
        var stages = new List<LintStage>();
        var typed = new List<(Node, Instruction?)>();
        Node? fromNode = null;
        FromInstruction? from = null;
        var body = new List<Instruction>();
        foreach (var node in parsed.Instructions)
        {
            Instruction? instruction = null;
            try
            {
                instruction = InstructionParser.Parse(node, parsed.File);
            }
            catch (DockerfileSyntaxException e)
            {
                _findings.Add(LintFinding.FromException(e, parsed.File));
            }
            typed.Add((node, instruction));
            if (node.Value.Equals("from", StringComparison.OrdinalIgnoreCase))
            {
                if (fromNode is not null)
                    stages.Add(new LintStage(stages.Count, fromNode, from, body));
                fromNode = node;
                from = instruction as FromInstruction;
                body = [];
                continue;
            }
            if (fromNode is null)
            {
                if (instruction is ArgInstruction arg)
                    metaArgs.Add(arg);
                else if (instruction is not null)
                    ReportSyntax($"{instruction.Keyword} before the first FROM: only ARG may come before FROM", node.Range);
                continue;
            }
            if (instruction is not null)
                body.Add(instruction);
        }
        if (fromNode is null)
            ReportSyntax("the Dockerfile has no FROM: nothing to build", new SourceRange(1, 1, 1, 1));
        else
            stages.Add(new LintStage(stages.Count, fromNode, from, body));
        MetaArgs = metaArgs;
        Stages = stages;
        Instructions = typed;
    }

    public ParseResult Parsed { get; }
    public LintOptions Options { get; }
    public CheckDirective Check { get; }
    public ShellLex Lex { get; }
    public IReadOnlyList<ArgInstruction> MetaArgs { get; }
    public IReadOnlyList<LintStage> Stages { get; }
    /// <summary>Every top-level instruction node in order, with its typed instruction when it parsed.</summary>
    public IReadOnlyList<(Node Node, Instruction? Instruction)> Instructions { get; }

    public IReadOnlyList<LintFinding> Findings => _findings;

    public bool Enabled(LintRule rule) => Check.Enables(rule, Options.Experimental);

    public void Report(LintRule rule, string message, SourceRange range)
    {
        if (!Enabled(rule))
            return;
        var severity = rule == LintRules.Syntax || Check.Error ? LintSeverity.Error : LintSeverity.Warning;
        _findings.Add(new LintFinding(rule, severity, message, Parsed.File, range));
    }

    public void ReportSyntax(string message, SourceRange range) => Report(LintRules.Syntax, message, range);

    /// <summary>Where the instruction's keyword is.</summary>
    public static SourceRange KeywordRange(Node node) =>
        new(node.Range.StartLine, node.Range.StartColumn, node.Range.StartLine, node.Range.StartColumn + Math.Max(1, node.Value.Length) - 1);

    /// <summary>The first occurrence of <paramref name="text"/> in the instruction's source lines after its keyword, or the instruction's range.</summary>
    public SourceRange Locate(Node node, string text, StringComparison comparison = StringComparison.Ordinal) =>
        Locate(node, line => (line.IndexOf(text, comparison), text.Length));

    /// <summary>The first match of a pattern in the instruction's source lines after its keyword, or the instruction's range.</summary>
    public SourceRange Locate(Node node, Regex pattern) => TryLocate(node, pattern) ?? node.Range;

    /// <summary>The first match of a pattern in the instruction's source lines after its keyword, if any.</summary>
    public SourceRange? TryLocate(Node node, Regex pattern) =>
        TryLocate(node, line => pattern.Match(line) is { Success: true } m ? (m.Index, m.Length) : (-1, 0));

    private SourceRange Locate(Node node, Func<string, (int Index, int Length)> find) => TryLocate(node, find) ?? node.Range;

    private SourceRange? TryLocate(Node node, Func<string, (int Index, int Length)> find)
    {
        var lines = Parsed.Lines;
        for (var number = node.Range.StartLine; number <= node.Range.EndLine && number <= lines.Count; number++)
        {
            var line = lines[number - 1];
            var skip = number == node.Range.StartLine ? Math.Min(line.Length, node.Range.StartColumn - 1 + node.Value.Length) : 0;
            var (index, length) = find(line[skip..]);
            if (index >= 0)
                return new SourceRange(number, skip + index + 1, number, skip + index + Math.Max(1, length));
        }
        return null;
    }

    /// <summary>A regex matching a use of a variable: <c>$name</c>, <c>${name}</c> or <c>${name…</c>.</summary>
    public static Regex VariableUse(string name)
    {
        var n = Regex.Escape(name);
        return new Regex(@"\$(?:\{" + n + @"\}|\{" + n + @"(?![A-Za-z0-9_])|" + n + @"(?![A-Za-z0-9_]))", RegexOptions.CultureInvariant);
    }

    /// <summary>A regex matching a use without a fallback: <c>$name</c>, <c>${name}</c>, <c>${name#…}</c>, <c>${name%…}</c>, <c>${name/…}</c>.</summary>
    public static Regex PlainVariableUse(string name)
    {
        var n = Regex.Escape(name);
        return new Regex(@"\$(?:\{" + n + @"\}|\{" + n + @"(?=[#%/])|" + n + @"(?![A-Za-z0-9_]))", RegexOptions.CultureInvariant);
    }

    [GeneratedRegex(@"(?<=\s)as(?=\s)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    public static partial Regex AsKeyword();
}
