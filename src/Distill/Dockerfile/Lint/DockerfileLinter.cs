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
        CheckGraph(parsed, context);
        var findings = context.Findings
            .OrderBy(f => f.Range.StartLine).ThenBy(f => f.Range.StartColumn).ThenBy(f => f.Rule.Name, StringComparer.Ordinal)
            .ToList();
        return new LintReport(parsed.File, findings, parsed.Lines);
    }

    /// <summary>
    /// Stage references that cannot be built (a cycle, a <c>--from</c> index of no earlier stage) are syntax findings; only
    /// checked when the document itself loads, since other findings already cover what does not.
    /// </summary>
    private static void CheckGraph(ParseResult parsed, LintContext context)
    {
        DockerfileDocument document;
        try
        {
            document = DockerfileDocument.FromParse(parsed);
        }
        catch (DockerfileSyntaxException)
        {
            return;
        }
        // every named stage can be a --target; unnamed ones are reached from the last stage or by index from later ones
        foreach (var target in document.Stages.Where(s => s.Name is not null).Select(s => s.Name).Prepend(null))
        {
            try
            {
                StageGraph.Build(document, new BuildArgs(), target);
            }
            catch (DockerfileSyntaxException e)
            {
                if (!context.Findings.Any(f => f.Rule == LintRules.Syntax && f.Range.StartLine == e.Line && f.Message == e.Reason))
                    context.ReportSyntax(e.Reason, new SourceRange(e.Line, e.Column, e.Line, e.Column));
            }
        }
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
