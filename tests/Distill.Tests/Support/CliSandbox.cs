using System.Text.Json.Nodes;
using Distill.Oci;

namespace Distill.Tests.Support;

/// <summary>
/// One CLI test's world: a temp dir holding a private store (<c>store/</c>) and whatever the test writes, the
/// <see cref="DistillCli"/> bound to that store, and the checks CLI tests share (reading what was written back,
/// one-line errors, nothing half-written left behind).
/// </summary>
public sealed class CliSandbox : IDisposable
{
    public CliSandbox()
    {
        Cli = new DistillCli(Temp["store"]);
        Store = new LocalStore(Temp["store"]);
    }

    public TempDir Temp { get; } = new();
    public DistillCli Cli { get; }
    public LocalStore Store { get; }

    public string this[string relative] => Temp[relative];

    /// <summary>
    /// A small app directory: <c>app</c> (0755 script), <c>data/x.txt</c> (0644), <c>data/run.sh</c> (0700),
    /// <c>link</c> → <c>data/x.txt</c> (symlink), <c>data/hard</c> (hard link to <c>app</c>). Directory modes are set,
    /// not left to the umask, so the layer is the same wherever it is built.
    /// </summary>
    public string WriteApp(string relative = "app", bool links = true)
    {
        var root = Temp[relative];
        Temp.Write($"{relative}/app", "#!/bin/sh\necho hi\n", (UnixFileMode)0x1ed);
        Temp.Write($"{relative}/data/x.txt", "x\n", (UnixFileMode)0x1a4);
        Temp.Write($"{relative}/data/run.sh", "#!/bin/sh\n", (UnixFileMode)0x1c0);
        File.SetUnixFileMode(Path.Combine(root, "data"), (UnixFileMode)0x1ed);
        File.SetUnixFileMode(root, (UnixFileMode)0x1ed);
        if (links)
        {
            File.CreateSymbolicLink(Path.Combine(root, "link"), "data/x.txt");
            Tool.RunOkAsync("ln", [Path.Combine(root, "app"), Path.Combine(root, "data", "hard")]).GetAwaiter().GetResult();
        }
        return root;
    }

    public async Task<Tool.Result> RunAsync(params string[] args) => await Cli.RunAsync(args);

    public async Task<Tool.Result> RunAsync(IEnumerable<string> args, IDictionary<string, string>? env, string? workingDirectory = null) =>
        await Cli.RunAsync(args, env, workingDirectory);

    public Task<Tool.Result> OkAsync(params string[] args) => Cli.RunOkAsync(args);

    /// <summary>Runs and returns the manifest digest printed as <c>Digest: sha256:…</c>.</summary>
    public async Task<string> DigestOfAsync(IEnumerable<string> args, IDictionary<string, string>? env = null, string? workingDirectory = null)
    {
        var list = args.ToList();
        var result = await Cli.RunAsync(list, env, workingDirectory);
        Assert.True(result.ExitCode == 0, $"distill {string.Join(' ', list)} exited {result.ExitCode}:\n{result.All}");
        return PrintedDigest(result);
    }

    public static string PrintedDigest(Tool.Result result)
    {
        var line = result.Stdout.Split('\n').SingleOrDefault(l => l.StartsWith("Digest: ", StringComparison.Ordinal));
        Assert.True(line is not null, $"no Digest: line in\n{result.All}");
        return line["Digest: ".Length..].Trim();
    }

    /// <summary>Validates the layout and reads its (only or tagged) image.</summary>
    public async Task<IImage> ReadLayoutAsync(string directory, string? tag = null, string platform = "linux/amd64")
    {
        LayoutValidator.AssertValid(directory);
        return await Transports.ReadAsync(new OciLayoutReference(directory, tag), Options(platform), CancellationToken.None);
    }

    public async Task<IImage> ReadAsync(string reference, string platform = "linux/amd64") =>
        await Transports.ReadAsync(ImageReference.Parse(reference), Options(platform), CancellationToken.None);

    public TransportOptions Options(string platform = "linux/amd64") => new() { Platform = Platform.Parse(platform), Store = Store };

    public static JsonObject ConfigJson(IImage image) => JsonNode.Parse(image.ConfigBytes.Span)!.AsObject();

    /// <summary>Every entry of a layer's tar, in order.</summary>
    public static async Task<List<TarEntryHeader>> EntriesAsync(ILayer layer)
    {
        await using var stream = await layer.OpenUncompressedAsync(CancellationToken.None);
        using var reader = new TarStreamReader(stream, layer.Descriptor.Digest.ToString());
        var entries = new List<TarEntryHeader>();
        while (await reader.ReadNextAsync() is { } entry)
            entries.Add(entry);
        return entries;
    }

    /// <summary>A failed run: non-zero exit, and one line on stderr that names <paramref name="mentions"/>.</summary>
    public static void AssertOneLineError(Tool.Result result, params string[] mentions)
    {
        Assert.True(result.ExitCode != 0, $"expected a failure, got exit 0:\n{result.All}");
        var lines = result.Stderr.TrimEnd('\n').Split('\n');
        Assert.True(lines.Length == 1 && lines[0].StartsWith("distill: error: ", StringComparison.Ordinal),
            $"expected one line 'distill: error: ...' on stderr, got:\n{result.Stderr}");
        foreach (var m in mentions)
            Assert.True(lines[0].Contains(m, StringComparison.Ordinal), $"error should mention \"{m}\": {lines[0]}");
    }

    /// <summary>No temporary or staging file anywhere in the sandbox.</summary>
    public void AssertNoLeftovers()
    {
        var leftovers = Temp.Files().Where(f => Path.GetFileName(f).StartsWith(".tmp-", StringComparison.Ordinal)
            || Path.GetFileName(f).StartsWith(".distill-staging-", StringComparison.Ordinal)).ToList();
        Assert.True(leftovers.Count == 0, "left behind: " + string.Join(", ", leftovers));
        var staging = Store.StagingDirectory;
        if (Directory.Exists(staging))
            Assert.Empty(Directory.EnumerateFileSystemEntries(staging));
    }

    /// <summary>The blobs in the store now (empty when there is no store yet).</summary>
    public IReadOnlyList<string> StoreBlobs()
    {
        var blobs = Path.Combine(Store.Layout, "blobs");
        return Directory.Exists(blobs) ? Directory.EnumerateFiles(blobs, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList() : [];
    }

    public void Dispose() => Temp.Dispose();
}
