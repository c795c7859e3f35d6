using System.Globalization;

namespace Distill.Dockerfile;

/// <summary>
/// The stages a build needs and how they depend on each other: FROM an earlier stage, <c>COPY --from</c> and
/// <c>RUN --mount=from=</c> by name or index. Detects cycles, prunes to <c>--target</c> (default: the last stage) and
/// drops stages nothing needs. FROM names are expanded with the global ARGs.
/// </summary>
public sealed record StageGraph(DockerfileDocument Document, Stage Target, IReadOnlyList<StageNode> Stages)
{
    public static StageGraph Build(DockerfileDocument document, BuildArgs args, string? target = null)
    {
        var file = document.File;
        var stages = document.Stages;
        var targetStage = target is null ? stages[^1]
            : stages.FirstOrDefault(s => string.Equals(s.Name, target, StringComparison.OrdinalIgnoreCase))
              ?? throw new DockerfileSyntaxException(file, 1, 1, $"target stage \"{target}\" could not be found (stages: {string.Join(", ", stages.Select(s => s.DisplayName))})");
        var globals = GlobalScope(document, args);
        var lex = new ShellLex(new ShellLexOptions { EscapeToken = document.Parsed.EscapeToken });
        var nodes = new Dictionary<int, StageNode>();

        StageNode Resolve(Stage stage, Stack<int> path)
        {
            if (nodes.TryGetValue(stage.Index, out var done))
                return done;
            if (path.Contains(stage.Index))
                throw Error(stage.From, $"circular dependency detected on stage: {stage.DisplayName}", file);
            path.Push(stage.Index);
            var baseName = Expand(lex, stage.From.BaseName, globals, file, stage.From);
            if (baseName.Length == 0)
                throw Error(stage.From, $"base name ({stage.From.BaseName}) should not be blank", file);
            var platform = stage.From.Platform is null ? null : Expand(lex, stage.From.Platform, globals, file, stage.From);
            var baseStage = stages.Take(stage.Index).FirstOrDefault(s => string.Equals(s.Name, baseName, StringComparison.OrdinalIgnoreCase));
            var dependencies = new List<StageDependency>();
            if (baseStage is not null)
                dependencies.Add(new StageDependency(Resolve(baseStage, path).Stage, stage.From));
            var images = new List<(string, Instruction)>();
            foreach (var instruction in stage.Instructions)
            {
                foreach (var from in FromReferences(instruction))
                {
                    var referenced = Lookup(stages, stage, from, instruction, file);
                    if (referenced is null)
                        images.Add((from, instruction));
                    else
                        dependencies.Add(new StageDependency(Resolve(referenced, path).Stage, instruction));
                }
            }
            path.Pop();
            var node = new StageNode(stage, baseStage is null ? baseName : null, platform, dependencies, images);
            nodes[stage.Index] = node;
            return node;
        }

        Resolve(targetStage, new Stack<int>());
        return new StageGraph(document, targetStage, nodes.Values.OrderBy(n => n.Stage.Index).ToList());
    }

    /// <summary>Meta ARG values in the global scope: declared defaults, overridden by build args, plus the automatic ones.</summary>
    public static Dictionary<string, string> GlobalScope(DockerfileDocument document, BuildArgs args)
    {
        var scope = new Dictionary<string, string>(args.Automatic(), StringComparer.Ordinal);
        var lex = new ShellLex(new ShellLexOptions { EscapeToken = document.Parsed.EscapeToken });
        foreach (var arg in document.MetaArgs)
        {
            foreach (var declaration in arg.Args)
            {
                if (args.Values.TryGetValue(declaration.Name, out var given))
                    scope[declaration.Name] = given;
                else if (declaration.Default is not null)
                    scope[declaration.Name] = Expand(lex, declaration.Default, scope, document.File, arg);
            }
        }
        return scope;
    }

    private static string Expand(ShellLex lex, string word, IReadOnlyDictionary<string, string> scope, string file, Instruction at)
    {
        try
        {
            return lex.ProcessWord(word, name => scope.TryGetValue(name, out var v) ? v : null);
        }
        catch (ShellExpansionException e)
        {
            throw Error(at, e.Message, file);
        }
    }

    private static IEnumerable<string> FromReferences(Instruction instruction) => instruction switch
    {
        CopyInstruction { Flags.From: { } from } => [from],
        RunInstruction run => run.Mounts.Where(m => m.From is not null).Select(m => m.From!),
        OnbuildInstruction => [],
        _ => [],
    };

    /// <summary>The stage a <c>--from</c> names (by name, or by index of an earlier stage), or null for an image.</summary>
    private static Stage? Lookup(IReadOnlyList<Stage> stages, Stage current, string from, Instruction at, string file)
    {
        var byName = stages.FirstOrDefault(s => string.Equals(s.Name, from, StringComparison.OrdinalIgnoreCase));
        if (byName is not null)
            return byName;
        if (int.TryParse(from, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            if (index >= current.Index)
                throw Error(at, current.Index == 0 ? $"--from={from}: there is no earlier stage to copy from" : $"--from={from} does not name an earlier stage: stage indexes here go from 0 to {current.Index - 1}", file);
            return stages[index];
        }
        if (from.Contains('$', StringComparison.Ordinal))
            return null; // expanded at dispatch time
        if (!Oci.ImageName.TryParse(from, out _))
            throw Error(at, $"--from={from} names no stage ({string.Join(", ", stages.Select(s => s.DisplayName))}) and is not a valid image reference", file);
        return null;
    }

    private static DockerfileSyntaxException Error(Instruction at, string message, string file) =>
        new(file, at.Range.StartLine, at.Range.StartColumn, message);
}

/// <summary>A needed stage: its base (an image name, or null when it builds on another stage), platform, and dependencies.</summary>
public sealed record StageNode(Stage Stage, string? BaseImage, string? Platform, IReadOnlyList<StageDependency> Dependencies,
    IReadOnlyList<(string Image, Instruction At)> ImageDependencies);

/// <summary>This stage needs <see cref="Stage"/> because of <see cref="At"/> (its FROM, a COPY --from, a RUN --mount).</summary>
public sealed record StageDependency(Stage Stage, Instruction At);
