namespace Distill.Dockerfile;

/// <summary>
/// Lints a Dockerfile with BuildKit's build checks (<see cref="LintRules"/>), as data: each finding has its rule,
/// message and location. Works on the parse result, so a Dockerfile that would not build (duplicate stage names,
/// a bad instruction) still gets every other finding; what does not parse becomes a <see cref="LintRules.Syntax"/> finding.
/// Honours the <c># check=skip=…;error=true;experimental=…</c> directive.
/// </summary>
public static class DockerfileLinter
{
    public static LintReport Lint(string text, string file = "Dockerfile", LintOptions? options = null)
    {
        ParseResult parsed;
        try
        {
            parsed = DockerfileParser.Parse(text, file);
        }
        catch (DockerfileSyntaxException e)
        {
            return new LintReport(file, [LintFinding.FromException(e, file)], SplitLines(text));
        }
        return Lint(parsed, options);
    }

    public static LintReport Lint(ParseResult parsed, LintOptions? options = null)
    {
        var context = new LintContext(parsed, options ?? new LintOptions());
        InstructionChecks.Run(context);
        FromChecks.Run(context);
        StageWalker.Run(context);
        var findings = context.Findings
            .OrderBy(f => f.Range.StartLine).ThenBy(f => f.Range.StartColumn).ThenBy(f => f.Rule.Name, StringComparer.Ordinal)
            .ToList();
        return new LintReport(parsed.File, findings, parsed.Lines);
    }

    private static List<string> SplitLines(string text)
    {
        if (text.StartsWith('\uFEFF'))
            text = text[1..];
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        if (lines.Count > 1 && lines[^1].Length == 0)
            lines.RemoveAt(lines.Count - 1);
        return lines;
    }
}
