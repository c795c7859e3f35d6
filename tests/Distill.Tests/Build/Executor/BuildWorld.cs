using Distill.Build;
using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Build.Executor;

/// <summary>
/// A private store holding the Debian base as <c>debian:bookworm</c> (shared by a test class: its snapshots are
/// unpacked once), and helpers to build a Dockerfile from a fresh context with the library in-process.
/// </summary>
public sealed class BuildWorld : IAsyncLifetime
{
    public TempDir Temp { get; } = new();
    public LocalStore Store { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Tool.Require("runc", "runc");
        Store = new LocalStore(Temp["store"]);
        var debian = await Transports.ReadAsync(new OciLayoutReference(DebianBase.Path, DebianBase.Tag), new TransportOptions(), CancellationToken.None);
        await Store.WriteAsync(debian, ImageName.Parse("debian:bookworm"), CancellationToken.None);
    }

    public ValueTask DisposeAsync()
    {
        // snapshots are plain directories; nothing stays mounted after a build, but make sure before deleting
        foreach (var point in Mounts.Below(Temp.Path))
            Mounts.Unmount(point);
        Temp.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Writes a context (Dockerfile text plus files) into a new directory and returns it.</summary>
    public string Context(string dockerfile, params (string Path, string Content)[] files)
    {
        var dir = Temp[$"ctx-{Guid.NewGuid():N}"];
        Temp.Write(Path.Combine(dir, "Dockerfile"), dockerfile);
        foreach (var (path, content) in files)
            Temp.Write(Path.Combine(dir, path), content);
        return dir;
    }

    public Task<BuildResult> BuildAsync(string context, Func<BuildOptions, BuildOptions>? change = null, IBuildProgress? progress = null)
    {
        var options = new BuildOptions
        {
            ContextDirectory = context,
            Transport = new TransportOptions { Store = Store },
            Progress = progress ?? NullBuildProgress.Instance,
        };
        return BuildExecutor.BuildAsync(change is null ? options : change(options), TestContext.Current.CancellationToken);
    }

    /// <summary>The final filesystem of an image: path → (kind, mode, uid, gid, content or link target).</summary>
    public static async Task<Dictionary<string, (TarEntryKind Kind, int Mode, int Uid, int Gid, string Content)>> FilesAsync(IImage image)
    {
        var files = new Dictionary<string, (TarEntryKind, int, int, int, string)>(StringComparer.Ordinal);
        await ImageFilesystem.WalkAsync(image, async (entry, stream, ct) =>
        {
            var content = entry.Header.LinkName;
            if (stream is not null)
            {
                using var reader = new StreamReader(stream);
                content = await reader.ReadToEndAsync(ct);
            }
            files[entry.Header.Name] = (entry.Header.Kind, entry.Header.Mode, entry.Header.Uid, entry.Header.Gid, content);
        }, TestContext.Current.CancellationToken);
        foreach (var (name, file) in files.Where(f => f.Value.Item1 == TarEntryKind.Hardlink).ToList())
            files[name] = files[file.Item5] with { Item1 = TarEntryKind.Hardlink };
        return files;
    }

    /// <summary>The files a layer holds, by name (whiteouts included as they are).</summary>
    public static async Task<List<TarEntryHeader>> LayerEntriesAsync(ILayer layer)
    {
        var entries = new List<TarEntryHeader>();
        await using var stream = await layer.OpenUncompressedAsync(TestContext.Current.CancellationToken);
        using var reader = new TarStreamReader(stream, "layer", leaveOpen: true);
        while (await reader.ReadNextAsync(TestContext.Current.CancellationToken) is { } entry)
            entries.Add(entry);
        return entries;
    }
}

/// <summary>Records what a build reports.</summary>
public sealed class RecordingProgress : IBuildProgress
{
    private readonly List<(string Event, BuildStep? Step, string Text)> _events = [];

    public IReadOnlyList<(string Event, BuildStep? Step, string Text)> Events
    {
        get
        {
            lock (_events)
                return [.. _events];
        }
    }

    private void Add(string kind, BuildStep? step, string text)
    {
        lock (_events)
            _events.Add((kind, step, text));
    }

    public void Started(BuildStep step) => Add("started", step, step.Text);
    public void Cached(BuildStep step) => Add("cached", step, step.Text);
    public void Output(BuildStep step, string line) => Add("output", step, line);
    public void Completed(BuildStep step, TimeSpan elapsed) => Add("done", step, step.Text);
    public void Failed(BuildStep step, string error) => Add("failed", step, error);
    public void Message(string text) => Add("message", null, text);
}
