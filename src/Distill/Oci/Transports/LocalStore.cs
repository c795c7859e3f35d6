using System.Runtime.InteropServices;

namespace Distill.Oci;

/// <summary>
/// The local image store: an OCI image layout in <c>images/</c> under <c>$XDG_DATA_HOME/distill</c> (default
/// <c>~/.local/share/distill</c>), beside a staging directory on the same file system; tags are fully qualified names (<c>docker.io/library/app:latest</c>) in
/// <c>org.opencontainers.image.ref.name</c>. Every change holds an exclusive lock on <c>.lock</c> (flock), so
/// concurrent Distill processes never lose each other's tags; every file lands by rename.
/// </summary>
public sealed partial class LocalStore
{
    public LocalStore(string root)
    {
        Root = root;
        Layout = Path.Combine(root, "images");
    }

    public string Root { get; }

    /// <summary>The OCI image layout holding the images.</summary>
    public string Layout { get; }

    /// <summary>The store at <c>$DISTILL_STORE</c>, else <c>$XDG_DATA_HOME/distill</c>, else <c>~/.local/share/distill</c>.</summary>
    public static LocalStore Default
    {
        get
        {
            var explicitRoot = Environment.GetEnvironmentVariable("DISTILL_STORE");
            if (!string.IsNullOrEmpty(explicitRoot))
                return new LocalStore(explicitRoot);
            var data = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
            if (string.IsNullOrEmpty(data))
                data = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
            return new LocalStore(Path.Combine(data, "distill"));
        }
    }

    /// <summary>A directory for staging blobs on the store's file system, so they can be linked in.</summary>
    public string StagingDirectory => Path.Combine(Root, "tmp");

    public bool Contains(ImageName name) => Find(name) is not null;

    public IImage Read(ImageName name, Platform platform) =>
        TryRead(name, platform) ?? throw new InvalidImageException($"{name.Familiar}: no such image in the local store ({Layout})");

    /// <summary>The image, or null when the store has no such name (one read of index.json either way).</summary>
    public IImage? TryRead(ImageName name, Platform platform) =>
        Find(name) is { } descriptor ? OciLayoutReader.ReadImage(new DirectoryLayoutFiles(Layout), descriptor, platform, name.Familiar) : null;

    public async Task<Descriptor> WriteAsync(IImage image, ImageName name, CancellationToken ct)
    {
        using var _ = await LockAsync(ct);
        // the store keeps images exactly as pulled, so a Docker image keeps its registry digest
        return await OciLayoutWriter.WriteAsync(image, Layout, name.ToString(), removeNewBlobsOnFailure: true, ct, keepDockerMediaTypes: true);
    }

    /// <summary>Stores a multi-platform image under one name: every image, then the index.</summary>
    public async Task<Descriptor> WriteMultiAsync(MultiPlatformImage multi, ImageName name, CancellationToken ct)
    {
        using var _ = await LockAsync(ct);
        return await OciLayoutWriter.WriteMultiAsync(multi, Layout, name.ToString(), removeNewBlobsOnFailure: true, ct, keepDockerMediaTypes: true);
    }

    /// <summary>The index stored under <paramref name="name"/>, or null when the name holds a single image.</summary>
    public MultiPlatformImage? ReadMulti(ImageName name)
    {
        var descriptor = Find(name) ?? throw new InvalidImageException($"{name.Familiar}: no such image in the local store ({Layout})");
        if (!MediaTypes.IsIndex(descriptor.MediaType))
            return null;
        var files = new DirectoryLayoutFiles(Layout);
        var index = new ImageIndex { Manifests = [descriptor with { Annotations = null }] };
        return OciLayoutReader.ReadMulti(new SingleEntryLayout(files, index), null, name.Familiar);
    }

    /// <summary>The store's files seen through an index.json holding one entry (to reuse the layout reader for one name).</summary>
    private sealed class SingleEntryLayout(DirectoryLayoutFiles inner, ImageIndex index) : ILayoutFiles
    {
        private readonly byte[] _index = OciJson.Serialize(index);
        public string Describe(string relative) => inner.Describe(relative);
        public bool Exists(string relative) => relative == "index.json" || inner.Exists(relative);
        public long SizeOf(string relative) => relative == "index.json" ? _index.Length : inner.SizeOf(relative);
        public Stream Open(string relative) => relative == "index.json" ? new MemoryStream(_index, writable: false) : inner.Open(relative);
    }

    /// <summary>Every tagged image: name, manifest descriptor.</summary>
    public IReadOnlyList<(ImageName Name, Descriptor Manifest)> List()
    {
        if (!File.Exists(Path.Combine(Layout, "index.json")))
            return [];
        var index = OciLayoutReader.ReadIndex(new DirectoryLayoutFiles(Layout));
        return index.Manifests
            .Select(d => (Name: d.Annotation(Annotations.RefName) is { } n && ImageName.TryParse(n, out var parsed) ? parsed : null, d))
            .Where(x => x.Name is not null)
            .Select(x => (x.Name!, x.d))
            .OrderBy(x => x.Item1.ToString(), StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Adds <paramref name="target"/> as another name for the image <paramref name="source"/>.</summary>
    public async Task TagAsync(ImageName source, ImageName target, CancellationToken ct)
    {
        using var _ = await LockAsync(ct);
        var descriptor = Find(source) ?? throw new InvalidImageException($"{source.Familiar}: no such image in the local store");
        var entry = descriptor with { Annotations = new Dictionary<string, string> { [Annotations.RefName] = target.ToString() } };
        await OciLayoutWriter.UpdateIndexAsync(Layout, index => OciLayoutWriter.Replace(index, entry, target.ToString()), ct);
    }

    /// <summary>Removes a name; blobs no other name uses are deleted. Returns the removed manifest digest.</summary>
    public async Task<Digest> RemoveAsync(ImageName name, CancellationToken ct)
    {
        using var _ = await LockAsync(ct);
        var descriptor = Find(name) ?? throw new InvalidImageException($"{name.Familiar}: no such image in the local store");
        await OciLayoutWriter.UpdateIndexAsync(Layout, index => index with
        {
            Manifests = index.Manifests.Where(d => d.Annotation(Annotations.RefName) != name.ToString()).ToList(),
        }, ct);
        CollectGarbage();
        return descriptor.Digest;
    }

    private Descriptor? Find(ImageName name)
    {
        if (!File.Exists(Path.Combine(Layout, "index.json")))
            return null;
        var index = OciLayoutReader.ReadIndex(new DirectoryLayoutFiles(Layout));
        return index.Manifests.FirstOrDefault(d => d.Annotation(Annotations.RefName) == name.ToString());
    }

    /// <summary>Deletes blobs that no tagged manifest or index reaches; called with the lock held.</summary>
    private void CollectGarbage()
    {
        var files = new DirectoryLayoutFiles(Layout);
        var index = OciLayoutReader.ReadIndex(files);
        var live = new HashSet<Digest>();
        var queue = new Queue<Descriptor>(index.Manifests);
        while (queue.TryDequeue(out var d))
        {
            if (!live.Add(d.Digest) || !files.Exists(LayoutFilesExtensions.BlobPath(d.Digest)))
                continue;
            if (MediaTypes.IsIndex(d.MediaType))
            {
                foreach (var m in OciJson.ParseIndex(files.ReadDocument(LayoutFilesExtensions.BlobPath(d.Digest)), d.Digest.ToString()).Manifests)
                    queue.Enqueue(m);
            }
            else if (MediaTypes.IsManifest(d.MediaType))
            {
                var manifest = OciJson.ParseManifest(files.ReadDocument(LayoutFilesExtensions.BlobPath(d.Digest)), d.Digest.ToString());
                live.Add(manifest.Config.Digest);
                foreach (var layer in manifest.Layers)
                    live.Add(layer.Digest);
            }
        }
        foreach (var algorithmDir in Directory.EnumerateDirectories(Path.Combine(Layout, "blobs")))
        {
            var algorithm = Path.GetFileName(algorithmDir);
            foreach (var blob in Directory.EnumerateFiles(algorithmDir))
            {
                var name = Path.GetFileName(blob);
                if (name.StartsWith(".tmp-", StringComparison.Ordinal))
                    continue; // a write in progress elsewhere
                if (Digest.TryParse($"{algorithm}:{name}", out var digest) && !live.Contains(digest))
                    BlobFiles.TryDelete(blob);
            }
        }
    }

    /// <summary>Takes the store's exclusive lock, waiting for other processes (flock; released if a process dies).</summary>
    public async Task<IDisposable> LockAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(Root);
        var path = Path.Combine(Root, ".lock");
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (true)
        {
            var stream = TryOpenLockFile(path);
            if (stream is not null)
            {
                if (Flock(stream.SafeFileHandle, LockExclusive | LockNonBlocking) == 0)
                    return stream; // closing the descriptor releases the lock
                await stream.DisposeAsync();
            }
            if (DateTime.UtcNow > deadline)
                throw new InvalidImageException($"{path}: timed out waiting for the store lock");
            await Task.Delay(50, ct);
        }
    }

    /// <summary>
    /// Opens the lock file, or null while another process holds the lock: on Unix, .NET itself flocks a file it
    /// opens (shared) and reports a file another process has locked exclusively as a sharing violation.
    /// </summary>
    private static FileStream? TryOpenLockFile(string path)
    {
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (IOException e) when (e.HResult is EWouldBlock or SharingViolation)
        {
            return null;
        }
    }

    // .NET reports the failed flock of an open with the raw errno (EWOULDBLOCK); Windows' code for completeness
    private const int EWouldBlock = 11, SharingViolation = unchecked((int)0x80070020);
    private const int LockExclusive = 2, LockNonBlocking = 4;

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(Microsoft.Win32.SafeHandles.SafeFileHandle fd, int operation);
}
