using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Distill.Dockerfile;
using Distill.Oci;
using Distill.Registry;

namespace Distill.Build;

/// <summary>
/// Builds a Dockerfile without a daemon: the stage graph (pruned to the target) runs with independent stages in
/// parallel; each RUN runs under runc on an overlayfs view of the stage's snapshots and its upper directory becomes
/// the step's layer; COPY/ADD write through the same view. Steps whose cache key has a snapshot are not run. Only the
/// target stage's layers are compressed, once per snapshot.
/// </summary>
public sealed class BuildExecutor
{
    private readonly BuildOptions _options;
    private readonly ConcurrentDictionary<string, Lazy<Task<IImage>>> _images = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, Lazy<Task<StageOutput>>> _stages = new();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _snapshotLocks = new(StringComparer.Ordinal);
    private readonly Lazy<ContextView> _context;
    private int _stepIds;
    private int _run;
    private int _cached;

    private BuildExecutor(BuildOptions options, DockerfileDocument document, StageGraph graph, IReadOnlyDictionary<string, string> globals,
        SnapshotStore snapshots, string dockerfilePath)
    {
        _options = options;
        Document = document;
        Graph = graph;
        Globals = globals;
        Snapshots = snapshots;
        _snapshotter = new Lazy<ISnapshotter>(() => ChooseSnapshotter(snapshots, options.Snapshotter));
        _context = new Lazy<ContextView>(() => ContextView.Load(options.ContextDirectory, dockerfilePath));
    }

    internal BuildOptions Options => _options;
    internal DockerfileDocument Document { get; }
    internal StageGraph Graph { get; }
    internal IReadOnlyDictionary<string, string> Globals { get; }
    internal SnapshotStore Snapshots { get; }
    /// <summary>Chosen on first use: a build whose steps are all cached never mounts anything.</summary>
    internal ISnapshotter Snapshotter => _snapshotter.Value;
    private readonly Lazy<ISnapshotter> _snapshotter;
    internal ContextView Context => _context.Value;
    internal IBuildProgress Progress => _options.Progress;
    internal HttpClient Http => _http ??= _options.Http ?? new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
    private HttpClient? _http;

    /// <summary>Builds the target stage of the Dockerfile and returns its image (not yet written anywhere).</summary>
    public static async Task<BuildResult> BuildAsync(BuildOptions options, CancellationToken ct)
    {
        var context = Path.GetFullPath(options.ContextDirectory);
        if (!Directory.Exists(context))
            throw new BuildException($"build context {options.ContextDirectory}: no such directory");
        var dockerfilePath = Path.GetFullPath(options.DockerfilePath ?? Path.Combine(context, "Dockerfile"));
        if (!File.Exists(dockerfilePath))
            throw new BuildException($"{options.DockerfilePath ?? Path.Combine(options.ContextDirectory, "Dockerfile")}: no such Dockerfile");
        var display = Path.GetFileName(dockerfilePath);
        var document = DockerfileDocument.Load(await File.ReadAllTextAsync(dockerfilePath, ct), display);
        var args = new BuildArgs { Values = options.BuildArgs, TargetPlatform = options.Platform.ToString() };
        var graph = StageGraph.Build(document, args, options.Target);
        var globals = StageGraph.GlobalScope(document, args);
        var store = options.Transport.Store;
        var snapshots = new SnapshotStore(store.Root);
        if (Environment.UserName != "root")
            throw new BuildException("distill build runs RUN steps under runc on overlayfs snapshots, which needs root here (run it as root, or with sudo)");
        // a prune waits until this build is done with its snapshots and blobs (the CLI holds it on while it writes the image)
        using var cacheLock = await BuildCacheLock.AcquireSharedAsync(store.Root, () => options.Progress.Message(BuildCacheLock.WaitingMessage), ct);
        snapshots.CleanStale();
        await StepContainer.CleanStaleAsync(options.Runtime);
        var checksums = Path.Combine(snapshots.Root, "checksums");
        ContentChecksums.Load(checksums);
        var executor = new BuildExecutor(options with { ContextDirectory = context }, document, graph, globals, snapshots, dockerfilePath);
        using var snapshotter = new SnapshotterRelease(executor._snapshotter);
        // every needed stage starts now, so independent ones run side by side; the first failure cancels the others
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var stages = graph.Stages.Select(n => executor.StageAsync(n.Stage.Index, failed.Token)).ToList();
        foreach (var stage in stages)
            _ = stage.ContinueWith(t => failed.Cancel(), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        try
        {
            await Task.WhenAll(stages);
        }
        catch when (stages.FirstOrDefault(s => s.IsFaulted) is { } first)
        {
            // the first real failure, not the cancellations it caused
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first.Exception!.InnerException!).Throw();
        }
        var output = await executor.StageAsync(graph.Target.Index, failed.Token);
        var image = await executor.ExportAsync(output, ct);
        Analysis.DependencyCopyPlan? dependencies = null;
        if (options.WithDependencies)
            (image, dependencies) = await FinalStageDependencies.AddAsync(executor, output, image, ct);
        await ContentChecksums.SaveAsync(checksums, ct);
        var verification = await BuildVerifyStep.RunAsync(executor, image, ct);
        return new BuildResult(image, executor._run, executor._cached) { Dependencies = dependencies, Verification = verification };
    }

    /// <summary>overlayfs when this kernel lets us mount it (or <c>DISTILL_SNAPSHOTTER=overlayfs|copy</c> says which), copying otherwise.</summary>
    private static ISnapshotter ChooseSnapshotter(SnapshotStore snapshots, string? choice)
    {
        var overlay = new OverlaySnapshotter(snapshots.EmptyDirectory);
        return (choice ?? Environment.GetEnvironmentVariable("DISTILL_SNAPSHOTTER")) switch
        {
            "overlayfs" or "overlay" => overlay,
            "copy" => new CopySnapshotter(),
            null or "" => Mounts.OverlaySupported(snapshots.TempDirectory) ? overlay : new CopySnapshotter(),
            var other => throw new BuildException($"DISTILL_SNAPSHOTTER={other}: use overlayfs or copy"),
        };
    }

    /// <summary>The output of a stage of the graph, built once however many stages need it.</summary>
    internal Task<StageOutput> StageAsync(int index, CancellationToken ct) =>
        _stages.GetOrAdd(index, i => new Lazy<Task<StageOutput>>(() => Task.Run(() =>
        {
            var node = Graph.Stages.FirstOrDefault(n => n.Stage.Index == i)
                ?? new StageNode(Document.Stages[i], null, null, [], []);
            return new StageBuilder(this, node).BuildAsync(ct);
        }, ct))).Value;

    internal Stage? FindStage(string nameOrIndex, Stage current)
    {
        var byName = Document.Stages.FirstOrDefault(s => string.Equals(s.Name, nameOrIndex, StringComparison.OrdinalIgnoreCase));
        if (byName is not null && byName.Index < current.Index)
            return byName;
        if (int.TryParse(nameOrIndex, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < current.Index)
            return Document.Stages[index];
        return null;
    }

    internal BuildStep NewStep(string stage, int index, int count, string text) =>
        new(Interlocked.Increment(ref _stepIds), stage, index, count, text);

    /// <summary>Holds the step with this cache key for the caller until disposed (two stages may share a step).</summary>
    internal async Task<IDisposable> LockStepAsync(string key, CancellationToken ct)
    {
        var gate = _snapshotLocks.GetOrAdd("step:" + key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        return new Releaser(gate);
    }

    /// <summary>True when this build made the snapshot for <paramref name="key"/> (so even --no-cache reuses it).</summary>
    internal bool BuiltInThisBuild(string key) => _built.ContainsKey(key);

    internal void MarkBuilt(string key) => _built[key] = true;

    private readonly ConcurrentDictionary<string, bool> _built = new(StringComparer.Ordinal);

    /// <summary>Disposes the snapshotter at the end of the build if one was made and holds anything (parked copies).</summary>
    private sealed class SnapshotterRelease(Lazy<ISnapshotter> snapshotter) : IDisposable
    {
        public void Dispose()
        {
            if (snapshotter.IsValueCreated && snapshotter.Value is IDisposable disposable)
                disposable.Dispose();
        }
    }

    private sealed class Releaser(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }

    internal void CountRun() => Interlocked.Increment(ref _run);
    internal void CountCached() => Interlocked.Increment(ref _cached);

    /// <summary>A base image by name (the local store, then a registry, pulled into the store like docker pull) or by transport reference.</summary>
    internal Task<IImage> ImageAsync(string name, Platform platform, CancellationToken ct) =>
        _images.GetOrAdd(name + "|" + platform, _ => new Lazy<Task<IImage>>(() => ResolveImageAsync(name, platform, ct))).Value;

    private async Task<IImage> ResolveImageAsync(string name, Platform platform, CancellationToken ct)
    {
        ImageReference reference;
        try
        {
            reference = ImageReference.Parse(name);
        }
        catch (FormatException e)
        {
            throw new BuildException($"base image {name}: {e.Message}");
        }
        var transport = _options.Transport with { Platform = platform };
        if (reference is StoreReference store)
        {
            if (transport.Store.TryRead(store.Name, platform) is { } local)
                return local;
            Progress.Message($"pulling {store.Name.Familiar}");
            var remote = await RegistryTransport.ReadAsync(transport.Registry, store.Name, platform, ct);
            await transport.Store.WriteAsync(remote, store.Name, ct);
            return transport.Store.Read(store.Name, platform);
        }
        return await Transports.ReadAsync(reference, transport, ct);
    }

    /// <summary>
    /// Makes sure every layer has its snapshot: a base layer is unpacked (through an overlay of the layers below it, so
    /// its whiteouts apply, and safely: nothing in it can write outside); a step's snapshot exists once it has run.
    /// Returns the snapshot trees, bottom first.
    /// </summary>
    internal async Task<IReadOnlyList<string>> SnapshotsOfAsync(IReadOnlyList<StageLayer> layers, CancellationToken ct)
    {
        var trees = new List<string>();
        foreach (var layer in layers)
        {
            var tree = Snapshots.Find(layer.SnapshotKey);
            if (tree is null)
            {
                if (layer.ImageLayer is null)
                    throw new BuildException($"the snapshot of a cached step ({layer.SnapshotKey}) is gone from the build cache; run again with --no-cache");
                tree = await UnpackLayerAsync(layer, trees, ct);
            }
            if (!layer.Empty)
                trees.Add(tree);
        }
        return trees;
    }

    private async Task<string> UnpackLayerAsync(StageLayer layer, IReadOnlyList<string> lowers, CancellationToken ct)
    {
        var gate = _snapshotLocks.GetOrAdd(layer.SnapshotKey, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            if (Snapshots.Find(layer.SnapshotKey) is { } done)
                return done;
            using var work = Snapshots.CreateWorkspace("unpack");
            if (lowers.Count == 0)
            {
                var tree = work.Sub("upper");
                await RootfsUnpacker.ApplyLayerAsync(new SafeRoot(tree), layer.ImageLayer!, isRoot: true, ct);
                return Snapshots.Commit(layer.SnapshotKey, tree);
            }
            var rootfs = Snapshotter.OpenWritable(lowers, work);
            string upper;
            try
            {
                await RootfsUnpacker.ApplyLayerAsync(new SafeRoot(rootfs), layer.ImageLayer!, isRoot: true, ct);
            }
            finally
            {
                upper = Snapshotter.CloseWritable(rootfs, lowers, work);
            }
            return Snapshots.Commit(layer.SnapshotKey, upper);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Mounts a read-only view of <paramref name="layers"/> at a new directory of <paramref name="work"/>.</summary>
    internal async Task<string> MountReadOnlyAsync(IReadOnlyList<StageLayer> layers, Workspace work, string name, CancellationToken ct)
    {
        var trees = await SnapshotsOfAsync(layers, ct);
        return Snapshotter.OpenReadOnly(trees, work, name);
    }

    /// <summary>The target stage as an image: base layers as they are, each step's snapshot as a compressed layer (made once and kept).</summary>
    private async Task<IImage> ExportAsync(StageOutput output, CancellationToken ct)
    {
        var layers = new List<ILayer>();
        foreach (var layer in output.Layers)
        {
            if (layer.ImageLayer is not null)
                layers.Add(layer.ImageLayer);
            else if (!layer.Empty)
                layers.Add(await CompressedLayerAsync(layer.SnapshotKey, ct));
        }
        var config = output.Config with { Created = Reproducible.Created };
        return Image.Create(config, layers);
    }

    private async Task<ILayer> CompressedLayerAsync(string key, CancellationToken ct)
    {
        var compression = _options.Compression;
        var record = Path.Combine(Snapshots.DirectoryOf(key), $"layer-{compression.ToString().ToLowerInvariant()}.json");
        if (File.Exists(record))
        {
            var saved = JsonSerializer.Deserialize(await File.ReadAllBytesAsync(record, ct), BuildJsonContext.Default.BuiltLayerRecord);
            if (saved is not null && File.Exists(Path.Combine(Snapshots.BlobsDirectory, saved.Descriptor.Digest.Encoded)))
                return BlobLayer.FromBuiltFile(saved.Descriptor, saved.DiffId, Path.Combine(Snapshots.BlobsDirectory, saved.Descriptor.Digest.Encoded));
        }
        var tree = Snapshots.Find(key) ?? throw new BuildException($"the snapshot of step {key} is gone from the build cache; run again with --no-cache");
        var built = await LayerBuilder.BuildAsync(UpperDirDiff.Scan(tree), new LayerBuildOptions
        {
            StagingDirectory = Snapshots.BlobsDirectory,
            Compression = compression,
        }, ct);
        await BlobFiles.WriteAtomicAsync(record, JsonSerializer.SerializeToUtf8Bytes(new BuiltLayerRecord(built.Layer.Descriptor, built.Layer.DiffId), BuildJsonContext.Default.BuiltLayerRecord), ct);
        return built.Layer;
    }
}
