using System.CommandLine;
using Distill.Dockerfile;

namespace Distill.Cli.Commands;

/// <summary><c>distill dockerfile dump|stages FILE</c>: what Distill reads in a Dockerfile.</summary>
internal static class DockerfileCommand
{
    public static Command Create()
    {
        var command = new Command("dockerfile", "Show how Distill reads a Dockerfile");
        command.Subcommands.Add(Dump());
        command.Subcommands.Add(Stages());
        return command;
    }

    private static Command Dump()
    {
        var file = new Argument<string>("FILE") { Description = "The Dockerfile" };
        var command = new Command("dump", "Print the parsed instructions in BuildKit's canonical dump format") { file };
        command.SetAction((result, ct) => Run(async () =>
        {
            var path = result.GetValue(file)!;
            var parsed = DockerfileParser.Parse(await ReadAsync(path, ct), path);
            Console.Write(NodeDump.Dump(parsed));
            foreach (var warning in parsed.Warnings)
                await Console.Error.WriteLineAsync($"{path}:{warning.Range.StartLine}:{warning.Range.StartColumn}: {warning.RuleName}: {warning.Message}");
            return 0;
        }));
        return command;
    }

    private static Command Stages()
    {
        var file = new Argument<string>("FILE") { Description = "The Dockerfile" };
        var target = new Option<string?>("--target") { Description = "Stage to build (default: the last)" };
        var buildArgs = new Option<string[]>("--build-arg") { Description = "Build argument KEY=VALUE (repeatable)" };
        var platform = new Option<string>("--platform") { Description = "Target platform", DefaultValueFactory = _ => "linux/amd64" };
        var command = new Command("stages", "Print the stages a build needs, in build order, with their dependencies") { file, target, buildArgs, platform };
        command.SetAction((result, ct) => Run(async () =>
        {
            var path = result.GetValue(file)!;
            var document = DockerfileDocument.Load(await ReadAsync(path, ct), path);
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in result.GetValue(buildArgs) ?? [])
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                    values[pair[..eq]] = pair[(eq + 1)..];
                else if (Environment.GetEnvironmentVariable(pair) is { } fromEnv)
                    values[pair] = fromEnv; // docker build --build-arg NAME takes the value from the environment
            }
            var graph = StageGraph.Build(document, new BuildArgs { Values = values, TargetPlatform = result.GetValue(platform)! }, result.GetValue(target));
            foreach (var node in graph.Stages)
            {
                var from = node.BaseImage ?? $"stage {node.Dependencies[0].Stage.DisplayName}";
                var needs = node.Dependencies.Select(d => d.Stage.DisplayName).Distinct().ToList();
                Console.WriteLine($"{node.Stage.DisplayName}: FROM {from}{(node.Platform is null ? "" : $" --platform={node.Platform}")}" +
                    (needs.Count == 0 ? "" : $"; needs {string.Join(", ", needs)}") +
                    (node.ImageDependencies.Count == 0 ? "" : $"; copies from images {string.Join(", ", node.ImageDependencies.Select(i => i.Image).Distinct())}"));
            }
            return 0;
        }));
        return command;
    }

    private static async Task<string> ReadAsync(string path, CancellationToken ct)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: no such file");
        return await File.ReadAllTextAsync(path, ct);
    }

    private static Task<int> Run(Func<Task<int>> body) => CommandRunner.RunAsync(async () =>
    {
        try
        {
            return await body();
        }
        catch (DockerfileSyntaxException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 1;
        }
    });
}
