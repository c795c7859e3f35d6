using System.Text.Json;
using Distill.Oci;

namespace Distill.Build;

/// <summary>
/// The build cache under <c>STORE/build/</c> seen as entries (<c>distill builder du</c>) and freed
/// (<c>distill builder prune</c>). Sizes are bytes on disk (st_blocks × 512, each hard-linked inode once), so sparse
/// files and small files count as the disk holds them; a compressed layer the store hard-linked counts as shared, not
/// as size (removing it frees nothing while the store's image exists). "Last used" is an entry directory's mtime: builds touch a
/// snapshot when they find it and a cache mount when they mount it.
/// </summary>
public static class BuildCache
{
    internal const string KindFile = "kind";
    internal const string BaseLayerKind = "base";
    internal const string StepKind = "step";

    /// <summary>Every entry of the build cache of <paramref name="store"/>, with the ones an image of <paramref name="store"/> uses marked.</summary>
    public static IReadOnlyList<BuildCacheEntry> Usage(LocalStore store)
    {
        var root = Path.Combine(store.Root, "build");
        var entries = new List<BuildCacheEntry>();
        if (!Directory.Exists(root))
            return entries;
        var seen = new HashSet<(ulong, ulong)>();
        var (chains, layerDigests) = UsedByImages(store);
        var usedBlobs = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var snap = Path.Combine(root, "snap");
        foreach (var dir in Enumerate(snap, directories: true))
        {
            var name = Path.GetFileName(dir);
            if (name.Contains(".new-", StringComparison.Ordinal))
            {
                entries.Add(new BuildCacheEntry(name, BuildCacheKind.Other, dir, SizeOf(dir, seen), LastUsed(dir)));
                continue;
            }
            var kind = ReadKind(dir);
            var lastUsed = LastUsed(dir);
            var layers = LayerDigests(dir);
            var inUse = kind == BuildCacheKind.BaseLayer ? chains.Contains(name) : layers.Any(layerDigests.Contains);
            foreach (var digest in layers)
                usedBlobs[digest] = usedBlobs.TryGetValue(digest, out var t) && t > lastUsed ? t : lastUsed;
            entries.Add(new BuildCacheEntry(name, kind, dir, SizeOf(dir, seen), lastUsed) { InUse = inUse });
        }
        foreach (var file in Enumerate(Path.Combine(root, "blobs"), directories: false))
        {
            var name = Path.GetFileName(file);
            var known = usedBlobs.TryGetValue(name, out var used);
            // a blob the store hard-linked (an image written from this build) is freed only when the store drops it too
            var shared = TreeStat.TryGet(file) is { LinkCount: > 1 } linked ? linked.Blocks * 512 : 0;
            entries.Add(new BuildCacheEntry(name.Length > 12 ? name[..12] : name, BuildCacheKind.CompressedLayer, file, shared > 0 ? 0 : SizeOf(file, seen), known ? used : LastUsed(file))
            {
                InUse = layerDigests.Contains(name) && known,
                Shared = shared,
            });
        }
        foreach (var dir in Enumerate(Path.Combine(root, "cache"), directories: true))
            entries.Add(new BuildCacheEntry(Path.GetFileName(dir), BuildCacheKind.CacheMount, dir, SizeOf(dir, seen), LastUsed(dir)));
        foreach (var dir in Enumerate(Path.Combine(root, "tmp"), directories: true).Concat(Enumerate(Path.Combine(root, "tmp"), directories: false)))
            entries.Add(new BuildCacheEntry("tmp/" + Path.GetFileName(dir), BuildCacheKind.Other, dir, SizeOf(dir, seen), LastUsed(dir)));
        var checksums = Path.Combine(root, "checksums");
        if (File.Exists(checksums))
            entries.Add(new BuildCacheEntry("checksums", BuildCacheKind.Other, checksums, SizeOf(checksums, seen), LastUsed(checksums))
            {
                InUse = true, // an index of the context's hashes, never dangling: only --all drops it
            });
        return entries;
    }

    /// <summary>
    /// Removes cache entries and returns the bytes freed (measured: the cache's size before minus after; a blob
    /// the store shares by hard link has size 0 and frees nothing). Without <see cref="BuildCachePruneOptions.All"/> only what no
    /// image of the store uses goes, and cache mounts stay; <see cref="BuildCachePruneOptions.Until"/> spares what was
    /// used recently; <see cref="BuildCachePruneOptions.KeepStorage"/> removes the least recently used first and stops
    /// once the cache fits. Throws <see cref="BuildException"/> while a build holds the cache.
    /// </summary>
    public static long Prune(LocalStore store, BuildCachePruneOptions options)
    {
        using var held = BuildCacheLock.TryAcquireExclusive(store.Root)
            ?? throw new BuildException("a build is using the build cache; prune again when it has finished");
        var entries = Usage(store);
        var before = entries.Sum(e => e.Size);
        var now = DateTimeOffset.UtcNow;
        var candidates = entries
            .Where(e => options.All || e.Reclaimable)
            .Where(e => options.Until is not { } until || now - e.LastUsed >= until)
            .OrderBy(e => e.LastUsed)
            .ToList();
        var total = before;
        foreach (var entry in candidates)
        {
            if (options.KeepStorage is { } keep && total <= keep)
                break;
            Remove(entry.Path);
            total -= entry.Size;
        }
        return Math.Max(0, before - Usage(store).Sum(e => e.Size));
    }

    private static void Remove(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
            return;
        }
        if (!Directory.Exists(path))
            return;
        // renamed first, so a snapshot is gone at once and a half-deleted one is never found by a build
        var parent = Path.GetDirectoryName(path)!;
        var doomed = Path.Combine(parent, $".prune-{Guid.NewGuid():N}");
        Directory.Move(path, doomed);
        Mounts.TryDeleteTree(doomed);
    }

    /// <summary>Snapshot ids (of chain keys) and layer digests of every image in the store.</summary>
    private static (HashSet<string> Chains, HashSet<string> Layers) UsedByImages(LocalStore store)
    {
        var chains = new HashSet<string>(StringComparer.Ordinal);
        var layers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, _) in store.List())
        {
            IImage image;
            try
            {
                image = store.Read(name, Platform.LinuxAmd64);
            }
            catch (Exception e) when (e is IOException or InvalidImageException or KeyNotFoundException or InvalidOperationException)
            {
                continue; // an image of another platform only or a damaged one: it pins nothing
            }
            foreach (var layer in StageLayer.FromImage(image))
                chains.Add(SnapshotStore.IdOf(layer.SnapshotKey));
            foreach (var layer in image.Layers)
                layers.Add(layer.Descriptor.Digest.Encoded);
        }
        return (chains, layers);
    }

    private static BuildCacheKind ReadKind(string dir)
    {
        try
        {
            return File.ReadAllText(Path.Combine(dir, KindFile)).Trim() == BaseLayerKind ? BuildCacheKind.BaseLayer : BuildCacheKind.StepSnapshot;
        }
        catch (IOException)
        {
            return BuildCacheKind.StepSnapshot; // made before kinds were recorded
        }
    }

    /// <summary>Blob names of the compressed layers recorded next to a snapshot (<c>layer-gzip.json</c>, <c>layer-zstd.json</c>).</summary>
    private static List<string> LayerDigests(string dir)
    {
        var digests = new List<string>();
        foreach (var record in Directory.EnumerateFiles(dir, "layer-*.json"))
        {
            try
            {
                if (JsonSerializer.Deserialize(File.ReadAllBytes(record), BuildJsonContext.Default.BuiltLayerRecord) is { } saved)
                    digests.Add(saved.Descriptor.Digest.Encoded);
            }
            catch (Exception e) when (e is IOException or JsonException or FormatException)
            {
                // an unreadable record pins no blob
            }
        }
        return digests;
    }

    private static IEnumerable<string> Enumerate(string dir, bool directories)
    {
        if (!Directory.Exists(dir))
            return [];
        return directories ? Directory.EnumerateDirectories(dir) : Directory.EnumerateFiles(dir);
    }

    private static DateTimeOffset LastUsed(string path) => File.GetLastWriteTimeUtc(path);

    /// <summary>Bytes on disk of the regular files under <paramref name="path"/> (st_blocks × 512), each inode once.</summary>
    private static long SizeOf(string path, HashSet<(ulong Device, ulong Inode)> seen)
    {
        long total = 0;
        var pending = new Stack<string>();
        pending.Push(path);
        while (pending.TryPop(out var current))
        {
            if (TreeStat.TryGet(current) is not { } stat)
                continue; // removed meanwhile
            if (stat.IsDirectory)
            {
                try
                {
                    foreach (var child in Directory.EnumerateFileSystemEntries(current))
                        pending.Push(child);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // gone or unreadable meanwhile
                }
            }
            else if (stat.IsRegular && seen.Add((stat.Device, stat.Inode)))
            {
                total += stat.Blocks * 512;
            }
        }
        return total;
    }
}
