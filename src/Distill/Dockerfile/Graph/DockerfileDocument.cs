using System.Text.RegularExpressions;

namespace Distill.Dockerfile;

/// <summary>
/// A Dockerfile as typed instructions: the ARGs before the first FROM (the global scope) and the stages.
/// <see cref="Load"/> reports the first error as <c>FILE:LINE:COL: message</c>.
/// </summary>
public sealed partial record DockerfileDocument(ParseResult Parsed, IReadOnlyList<ArgInstruction> MetaArgs, IReadOnlyList<Stage> Stages)
{
    public string File => Parsed.File;

    public static DockerfileDocument Load(string text, string file = "Dockerfile") => FromParse(DockerfileParser.Parse(text, file));

    public static DockerfileDocument FromParse(ParseResult parsed)
    {
        var metaArgs = new List<ArgInstruction>();
        var stages = new List<Stage>();
        FromInstruction? from = null;
        var body = new List<Instruction>();
        foreach (var node in parsed.Instructions)
        {
            var instruction = InstructionParser.Parse(node, parsed.File);
            if (instruction is FromInstruction f)
            {
                if (from is not null)
                    stages.Add(new Stage(stages.Count, NameOf(from, parsed.File), from, body));
                from = f;
                body = [];
                continue;
            }
            if (from is null)
            {
                if (instruction is not ArgInstruction arg)
                    throw new DockerfileSyntaxException(parsed.File, node.Range.StartLine, node.Range.StartColumn,
                        $"{instruction.Keyword} before the first FROM: only ARG may come before FROM");
                metaArgs.Add(arg);
                continue;
            }
            body.Add(instruction);
        }
        if (from is null)
            throw new DockerfileSyntaxException(parsed.File, 1, 1, "the Dockerfile has no FROM: nothing to build");
        stages.Add(new Stage(stages.Count, NameOf(from, parsed.File), from, body));
        var seen = new Dictionary<string, Stage>(StringComparer.Ordinal);
        foreach (var stage in stages.Where(s => s.Name is not null))
        {
            if (seen.TryGetValue(stage.Name!, out var first))
                throw new DockerfileSyntaxException(parsed.File, stage.From.Range.StartLine, stage.From.Range.StartColumn,
                    $"duplicate stage name \"{stage.Name}\" (first defined on line {first.From.Range.StartLine})");
            seen[stage.Name!] = stage;
        }
        return new DockerfileDocument(parsed, metaArgs, stages);
    }

    private static string? NameOf(FromInstruction from, string file)
    {
        if (from.StageName is null)
            return null;
        var name = from.StageName.ToLowerInvariant();
        if (!StageNamePattern().IsMatch(name))
            throw new DockerfileSyntaxException(file, from.Range.StartLine, from.Range.StartColumn,
                $"invalid name for build stage: \"{from.StageName}\", name can't start with a number or contain symbols");
        return name;
    }

    [GeneratedRegex(@"^[a-z][a-z0-9\-_\.]*$")]
    private static partial Regex StageNamePattern();
}
