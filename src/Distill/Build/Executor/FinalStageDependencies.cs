using Distill.Analysis;
using Distill.Dockerfile;
using Distill.Oci;

namespace Distill.Build;

/// <summary>
/// <c>distill build --with-deps</c>: when the final stage copies its entrypoint from an earlier stage
/// (<c>COPY --from=build /out/app /app</c>), the entrypoint's closure (<see cref="DependencyCopy"/>) is taken from that
/// stage's root filesystem and added as one more layer after the stage's own. The Dockerfile stays what docker builds.
/// The COPY is recognised by its destination (the entrypoint, or a directory above it); failing that, the final stage's
/// only <c>COPY --from</c> of a stage is taken.
/// </summary>
internal static class FinalStageDependencies
{
    public static async Task<(IImage Image, DependencyCopyPlan Plan)> AddAsync(BuildExecutor build, StageOutput output, IImage image, CancellationToken ct)
    {
        var argv = EntrypointCheck.Command(output.Config.Config);
        if (argv.Count == 0)
            return (image, new DependencyCopyPlan([], ["the image has no entrypoint and no command: no dependencies added"]));
        var workdir = output.Config.Config?.WorkingDir is { Length: > 0 } wd ? wd : "/";
        var entrypoint = RootPath.Normalize(argv[0].StartsWith('/') ? argv[0] : RootPath.Join(workdir, argv[0]));
        var final = build.Graph.Target;
        var copies = final.Instructions.OfType<CopyInstruction>()
            .Select(c => (Copy: c, Stage: c.Flags.From is { } from ? build.FindStage(from, final) : null))
            .Where(c => c.Stage is not null).ToList();
        var chosen = copies.LastOrDefault(c => Covers(c.Copy.Destination, entrypoint, workdir));
        if (chosen.Stage is null && copies.Count == 1)
            chosen = copies[0];
        if (chosen.Stage is null)
            return (image, new DependencyCopyPlan([], [$"the final stage copies {entrypoint} from no earlier stage: no dependencies added"]));

        var from = await build.StageAsync(chosen.Stage.Index, ct);
        using var work = build.Snapshots.CreateWorkspace("deps");
        var source = new HostRootFilesystem(await build.MountReadOnlyAsync(from.Layers, work, "source", ct), $"stage {from.Name}");
        var target = new HostRootFilesystem(await build.MountReadOnlyAsync(output.Layers, work, "target", ct), "the final stage");
        var bytes = await RootPath.ReadFileAsync(target, entrypoint, LibraryResolver.ElfLimit, ct);
        if (bytes is null)
            return (image, new DependencyCopyPlan([], [$"the entrypoint {entrypoint} is not a readable file in the image: no dependencies added"]));
        var plan = await DependencyCopy.PlanAsync(new DependencyCopyRequest
        {
            ExecutablePath = entrypoint, Executable = bytes, Config = output.Config, Target = target, Source = source,
        }, ct);
        if (plan.Files.Count == 0)
            return (image, plan);
        var layer = await DependencyLayer.BuildAsync(plan, source, new LayerBuildOptions
        {
            StagingDirectory = build.Snapshots.BlobsDirectory,
            Compression = build.Options.Compression,
        }, ct);
        var history = new HistoryEntry
        {
            Created = Reproducible.Created,
            CreatedBy = $"distill build --with-deps: dependencies of {entrypoint} from stage {from.Name}",
            Comment = "distill",
        };
        return (Mutate.AppendLayers(image, [(layer.Layer, history)]), plan);
    }

    /// <summary>Whether a COPY destination (unexpanded: variables make it not match) is the entrypoint or a directory above it.</summary>
    private static bool Covers(string destination, string entrypoint, string workdir)
    {
        var absolute = RootPath.Normalize(destination.StartsWith('/') ? destination : RootPath.Join(workdir, destination));
        return absolute == entrypoint || entrypoint.StartsWith(absolute == "/" ? "/" : absolute + "/", StringComparison.Ordinal);
    }
}
