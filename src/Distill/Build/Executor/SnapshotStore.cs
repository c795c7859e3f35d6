using System.Globalization;
using System.Text;
using Distill.Oci;

namespace Distill.Build;

/// <summary>
/// Immutable filesystem snapshots under <c>STORE/build/</c>: one directory tree per base layer (keyed by chain ID) and
/// per built step (keyed by the step's cache key), stacked with overlayfs. A step writes into a private upper
/// directory under <c>tmp/</c>, and only a step that succeeded is renamed into <c>snap/</c>; whatever a killed build
/// leaves in <c>tmp/</c> is removed by the next build (directories carry the owner's process id).
/// </summary>
internal sealed class SnapshotStore
{
    public SnapshotStore(string storeRoot)
    {
        Root = Path.Combine(storeRoot, "build");
        Directory.CreateDirectory(SnapshotsDirectory);
        Directory.CreateDirectory(TempDirectory);
        Directory.CreateDirectory(EmptyDirectory);
        Directory.CreateDirectory(BlobsDirectory);
    }

    public string Root { get; }
    private string SnapshotsDirectory => Path.Combine(Root, "snap");
    public string TempDirectory => Path.Combine(Root, "tmp");
    /// <summary>An empty directory: the bottom of every overlay (overlayfs needs one lower directory).</summary>
    public string EmptyDirectory => Path.Combine(Root, "empty");
    public string BlobsDirectory => Path.Combine(Root, "blobs");
    public string CacheMountsDirectory => Path.Combine(Root, "cache");

    public static string IdOf(string key) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..24];

    /// <summary>The tree of the committed snapshot for <paramref name="key"/>, or null.</summary>
    public string? Find(string key)
    {
        var dir = Path.Combine(SnapshotsDirectory, IdOf(key));
        var fs = Path.Combine(dir, "fs");
        if (!Directory.Exists(fs))
            return null;
        MarkUsed(dir);
        return fs;
    }

    public string DirectoryOf(string key) => Path.Combine(SnapshotsDirectory, IdOf(key));

    /// <summary>A fresh private working directory (removed by <see cref="Workspace.Dispose"/>).</summary>
    public Workspace CreateWorkspace(string hint)
    {
        var dir = Path.Combine(TempDirectory, FormattableString.Invariant($"{Environment.ProcessId}-{hint}-{Guid.NewGuid():N}")[..^16]);
        Directory.CreateDirectory(dir);
        return new Workspace(dir);
    }

    /// <summary>Moves <paramref name="tree"/> in as the snapshot of <paramref name="key"/> (replacing an older one).</summary>
    public string Commit(string key, string tree)
    {
        var final = DirectoryOf(key);
        var staging = final + $".new-{Environment.ProcessId}-{Guid.NewGuid():N}";
        Directory.CreateDirectory(staging);
        File.WriteAllText(Path.Combine(staging, BuildCache.KindFile), key.StartsWith("chain:", StringComparison.Ordinal) ? BuildCache.BaseLayerKind : BuildCache.StepKind);
        Directory.Move(tree, Path.Combine(staging, "fs"));
        if (Directory.Exists(final))
        {
            var old = Path.Combine(TempDirectory, $"{Environment.ProcessId}-old-{Guid.NewGuid():N}");
            Directory.Move(final, old);
            Mounts.TryDeleteTree(old);
        }
        Directory.Move(staging, final);
        return Path.Combine(final, "fs");
    }

    /// <summary>Removes what builds that no longer run left behind: mounts and directories under tmp/ of dead processes.</summary>
    public void CleanStale()
    {
        foreach (var dir in Directory.EnumerateDirectories(TempDirectory))
        {
            var name = Path.GetFileName(dir);
            var dash = name.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0 && int.TryParse(name[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && IsAlive(pid))
                continue;
            Mounts.TryDeleteTree(dir);
        }
        foreach (var dir in Directory.EnumerateDirectories(SnapshotsDirectory, "*.new-*"))
        {
            var rest = dir[(dir.LastIndexOf(".new-", StringComparison.Ordinal) + 5)..];
            var dash = rest.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0 && int.TryParse(rest[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && IsAlive(pid))
                continue;
            Mounts.TryDeleteTree(dir);
        }
    }

    /// <summary>"Last used" for <c>distill builder du/prune</c>: the entry directory's mtime (one utimensat, no file written).</summary>
    public static void MarkUsed(string dir)
    {
        try
        {
            Directory.SetLastWriteTimeUtc(dir, DateTime.UtcNow);
        }
        catch (IOException)
        {
            // a use that cannot be recorded only makes the entry look older to prune
        }
    }

    public static bool IsAlive(int pid) => pid == Environment.ProcessId || Directory.Exists($"/proc/{pid}");
}

/// <summary>A private directory under the snapshot store's tmp/: upper and work directories and mount points of one step.</summary>
internal sealed class Workspace(string path) : IDisposable
{
    public string Path { get; } = path;

    public string Sub(string name)
    {
        var dir = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public void Dispose() => Mounts.TryDeleteTree(Path);
}
