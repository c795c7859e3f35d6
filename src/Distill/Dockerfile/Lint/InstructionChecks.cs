using System.Text.RegularExpressions;

namespace Distill.Dockerfile;

/// <summary>
/// Checks that need no variable scope: ConsistentInstructionCasing, NoEmptyContinuation, MaintainerDeprecated,
/// LegacyKeyValueFormat, MultipleInstructionsDisallowed, SecretsUsedInArgOrEnv.
/// </summary>
internal static class InstructionChecks
{
    public static void Run(LintContext context)
    {
        CheckCasing(context);
        CheckEmptyContinuations(context);
        foreach (var (node, instruction) in context.Instructions)
        {
            switch (instruction)
            {
                case MaintainerInstruction:
                    context.Report(LintRules.MaintainerDeprecated, "MAINTAINER instruction is deprecated in favor of using label", LintContext.KeywordRange(node));
                    break;
                case EnvInstruction or LabelInstruction:
                    CheckLegacyKeyValue(context, instruction);
                    break;
            }
            CheckSecrets(context, instruction);
        }
        foreach (var stage in context.Stages)
            CheckMultiple(context, stage);
    }

    /// <summary>Instructions whose keyword is not in the casing most instructions use (upper case on a tie); mixed case never is.</summary>
    private static void CheckCasing(LintContext context)
    {
        var upper = context.Parsed.Instructions.Count(n => KeywordCase.IsStrictUpper(n.Value));
        var lower = context.Parsed.Instructions.Count(n => KeywordCase.IsStrictLower(n.Value));
        var majorityIsLower = lower > upper;
        foreach (var node in context.Parsed.Instructions)
        {
            var matches = majorityIsLower ? KeywordCase.IsLower(node.Value) : KeywordCase.IsUpper(node.Value);
            if (!matches)
            {
                context.Report(LintRules.ConsistentInstructionCasing,
                    $"Command '{node.Value}' should match the case of the command majority ({(majorityIsLower ? "lowercase" : "uppercase")})",
                    LintContext.KeywordRange(node));
            }
        }
    }

    /// <summary>The parser's empty continuation warnings, placed on the instruction they are in.</summary>
    private static void CheckEmptyContinuations(LintContext context)
    {
        foreach (var warning in context.Parsed.Warnings.Where(w => w.RuleName == LintRules.NoEmptyContinuation.Name))
        {
            var line = warning.Range.StartLine;
            var node = context.Parsed.Instructions.FirstOrDefault(n => n.Range.StartLine <= line && line <= n.Range.EndLine);
            context.Report(LintRules.NoEmptyContinuation, warning.Message, node is null ? warning.Range : LintContext.KeywordRange(node));
        }
    }

    private static void CheckLegacyKeyValue(LintContext context, Instruction instruction)
    {
        var pairs = instruction is EnvInstruction env ? env.Pairs : ((LabelInstruction)instruction).Pairs;
        if (pairs.FirstOrDefault(p => p.LegacyForm) is not { } legacy)
            return;
        var keyword = instruction.Keyword;
        context.Report(LintRules.LegacyKeyValueFormat, $"\"{keyword} key=value\" should be used instead of legacy \"{keyword} key value\" format",
            context.Locate(instruction.Node, legacy.Key));
    }

    /// <summary>Only the last CMD, ENTRYPOINT and HEALTHCHECK of a stage count: the ones before are reported.</summary>
    private static void CheckMultiple(LintContext context, LintStage stage)
    {
        foreach (var group in stage.Instructions.Where(i => i is CmdInstruction or EntrypointInstruction or HealthcheckInstruction).GroupBy(i => i.Keyword))
        {
            foreach (var instruction in group.SkipLast(1))
            {
                context.Report(LintRules.MultipleInstructionsDisallowed,
                    $"Multiple {group.Key} instructions should not be used in the same stage because only the last one will be used",
                    LintContext.KeywordRange(instruction.Node));
            }
        }
    }

    private static void CheckSecrets(LintContext context, Instruction? instruction)
    {
        var names = instruction switch
        {
            ArgInstruction arg => arg.Args.Select(a => a.Name),
            EnvInstruction env => env.Pairs.Select(p => p.Key),
            _ => [],
        };
        foreach (var name in names.Where(SecretNames.LooksSecret))
        {
            context.Report(LintRules.SecretsUsedInArgOrEnv, $"Do not use ARG or ENV instructions for sensitive data ({instruction!.Keyword} \"{name}\")",
                context.Locate(instruction.Node, new Regex(@"(?<![A-Za-z0-9_])" + Regex.Escape(name) + @"(?![A-Za-z0-9_])", RegexOptions.CultureInvariant)));
        }
    }
}
