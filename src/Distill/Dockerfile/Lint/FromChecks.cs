using System.Text.RegularExpressions;

namespace Distill.Dockerfile;

/// <summary>
/// Checks on FROM lines and stage names: StageNameCasing, FromAsCasing, DuplicateStageName, ReservedStageName,
/// FromPlatformFlagConstDisallowed, UndefinedArgInFrom, InvalidDefaultArgInFrom (and invalid names, as syntax errors).
/// </summary>
internal static partial class FromChecks
{
    private static readonly HashSet<string> Reserved = ["context", "scratch"];

    public static void Run(LintContext context)
    {
        var globals = new GlobalScope(context, withBuildArgs: true);
        var defaults = new GlobalScope(context, withBuildArgs: false);
        var seen = new Dictionary<string, LintStage>(StringComparer.Ordinal);
        foreach (var stage in context.Stages)
        {
            if (stage.From is not { } from)
                continue;
            var node = stage.FromNode;
            if (from.StageName is { } name)
            {
                var lower = name.ToLowerInvariant();
                var nameRange = context.Locate(node, StageNameAfterAs(name));
                if (!StageNamePattern().IsMatch(lower))
                    context.ReportSyntax($"invalid name for build stage: \"{name}\", name can't start with a number or contain symbols", nameRange);
                if (name != lower)
                    context.Report(LintRules.StageNameCasing, $"Stage name '{name}' should be lowercase", nameRange);
                if (Reserved.Contains(lower))
                    context.Report(LintRules.ReservedStageName, $"'{name}' is reserved and should not be used as a stage name", nameRange);
                if (seen.ContainsKey(lower))
                    context.Report(LintRules.DuplicateStageName, $"Duplicate stage name '{name}', stage names should be unique", nameRange);
                else
                    seen[lower] = stage;
                CheckAsCasing(context, node);
            }
            CheckBaseName(context, stage, from, globals, defaults);
            CheckPlatform(context, stage, from, globals);
        }
    }

    /// <summary>The stage name preceded by the AS keyword, so a name that also appears in the image name is found in the right place.</summary>
    private static Regex StageNameAfterAs(string name) =>
        new(@"(?<=\s[aA][sS]\s+)" + Regex.Escape(name) + @"(?=\s|$)", RegexOptions.CultureInvariant);

    private static void CheckAsCasing(LintContext context, Node node)
    {
        var asWord = node.Arguments.ElementAtOrDefault(1);
        if (asWord is null)
            return;
        var from = node.Value;
        if ((KeywordCase.IsUpper(from) && !KeywordCase.IsUpper(asWord)) || (KeywordCase.IsLower(from) && !KeywordCase.IsLower(asWord)))
            context.Report(LintRules.FromAsCasing, $"'{asWord}' and '{from}' keywords' casing do not match", context.Locate(node, LintContext.AsKeyword()));
    }

    private static void CheckBaseName(LintContext context, LintStage stage, FromInstruction from, GlobalScope globals, GlobalScope defaults)
    {
        if (!from.BaseName.Contains('$', StringComparison.Ordinal))
            return;
        var node = stage.FromNode;
        ExpansionResult expanded;
        try
        {
            expanded = context.Lex.Process(from.BaseName, globals.Lookup);
        }
        catch (ShellExpansionException e)
        {
            context.ReportSyntax(e.Message, context.Locate(node, from.BaseName));
            return;
        }
        ReportUndeclared(context, node, expanded, globals);
        string withDefaults;
        try
        {
            withDefaults = context.Lex.ProcessWord(from.BaseName, defaults.Lookup);
        }
        catch (ShellExpansionException)
        {
            return;
        }
        var isStage = context.Stages.Take(stage.Index).Any(s => string.Equals(s.Name, withDefaults, StringComparison.OrdinalIgnoreCase));
        if (!isStage && (withDefaults.Length == 0 || !Oci.ImageName.TryParse(withDefaults, out _)))
        {
            context.Report(LintRules.InvalidDefaultArgInFrom, $"Default value for ARG {from.BaseName} results in empty or invalid base image name",
                context.Locate(node, from.BaseName));
        }
    }

    private static void CheckPlatform(LintContext context, LintStage stage, FromInstruction from, GlobalScope globals)
    {
        if (from.Platform is not { } platform)
            return;
        var node = stage.FromNode;
        var flagRange = context.Locate(node, "--platform");
        if (platform.Contains('$', StringComparison.Ordinal))
        {
            try
            {
                ReportUndeclared(context, node, context.Lex.Process(platform, globals.Lookup), globals);
            }
            catch (ShellExpansionException e)
            {
                context.ReportSyntax(e.Message, flagRange);
            }
            return;
        }
        // a constant platform is fine for a stage whose name says which platform it is for (build_amd64)
        var name = stage.Name?.ToLowerInvariant() ?? "";
        var parts = platform.ToLowerInvariant().Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (name.Length > 0 && parts.Any(p => name.Contains(p, StringComparison.Ordinal)))
            return;
        context.Report(LintRules.FromPlatformFlagConstDisallowed, $"FROM --platform flag should not use constant value \"{platform}\"", flagRange);
    }

    private static void ReportUndeclared(LintContext context, Node node, ExpansionResult expanded, GlobalScope globals)
    {
        foreach (var name in expanded.Unmatched.Order(StringComparer.Ordinal))
        {
            if (globals.IsDeclared(name))
                continue;
            var suggestion = NameSuggestion.Closest(name, globals.Names);
            context.Report(LintRules.UndefinedArgInFrom,
                $"FROM argument '{name}' is not declared" + (suggestion is null ? "" : $" (did you mean {suggestion}?)"),
                context.Locate(node, LintContext.VariableUse(name)));
        }
    }

    [GeneratedRegex(@"^[a-z][a-z0-9\-_\.]*$")]
    private static partial Regex StageNamePattern();
}
