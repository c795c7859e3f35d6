using Distill.Build;
using Distill.Dockerfile;
using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Build.Copy;

/// <summary>A build context, a source root filesystem and a target root in one temp dir, with helpers to copy and inspect.</summary>
internal sealed class CopyFixture : IDisposable
{
    private readonly TempDir _temp = new();

    public CopyFixture()
    {
        Directory.CreateDirectory(Context);
        Directory.CreateDirectory(Rootfs);
        Directory.CreateDirectory(Target);
    }

    public string Context => _temp["context"];

    public string Rootfs => _temp["rootfs"];

    public string Target => _temp["target"];

    public string Outside => _temp.Path;

    public string Write(string path, string content, int mode = 0x1a4, string? root = null)
    {
        var full = Path.Combine(root ?? Context, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        File.SetUnixFileMode(full, (UnixFileMode)mode);
        return full;
    }

    public void Mkdir(string path, int mode = 0x1ed, string? root = null)
    {
        var full = Path.Combine(root ?? Context, path);
        Directory.CreateDirectory(full);
        File.SetUnixFileMode(full, (UnixFileMode)mode);
    }

    public void Symlink(string path, string linkTarget, string? root = null) =>
        File.CreateSymbolicLink(Path.Combine(root ?? Context, path), linkTarget);

    public CopySource ContextSource(DockerIgnore? ignore = null) => new()
    {
        Root = Context,
        ContextEntries = BuildContext.ListFiles(Context, ignore ?? DockerIgnore.Empty).Select(e => e.Path).ToHashSet(),
    };

    public CopySource RootfsSource() => new() { Root = Rootfs, Description = "stage build" };

    public Task CopyAsync(CopyRequest request, CopySource? source = null, HttpClient? http = null) =>
        FileCopier.CopyAsync(request, source ?? ContextSource(), Target, http, TestContext.Current.CancellationToken);

    public Task CopyAsync(string destination, params string[] sources) =>
        CopyAsync(new CopyRequest { Sources = sources, Destination = destination });

    public Task<Digest> DigestAsync(CopyRequest request, CopySource? source = null) =>
        FileCopier.DigestInputsAsync(request, source ?? ContextSource(), null, TestContext.Current.CancellationToken);

    public string T(string imagePath) => Path.Combine(Target, imagePath.TrimStart('/'));

    public string Read(string imagePath) => File.ReadAllText(T(imagePath));

    public int ModeOf(string imagePath) => (int)File.GetUnixFileMode(T(imagePath));

    public (int Uid, int Gid) OwnerOf(string imagePath)
    {
        var stat = CopyStat.TryGet(T(imagePath)) ?? throw new FileNotFoundException(imagePath);
        return (stat.Uid, stat.Gid);
    }

    /// <summary>The target tree as "path type mode uid:gid [-> link]" lines (sizes and times left out).</summary>
    public IReadOnlyList<string> Listing()
    {
        var lines = new List<string>();
        Walk(Target, lines);
        return lines;
    }

    private void Walk(string dir, List<string> lines)
    {
        foreach (var path in Directory.EnumerateFileSystemEntries(dir).Order(StringComparer.Ordinal))
        {
            var stat = CopyStat.TryGet(path)!.Value;
            var kind = stat.IsDirectory ? "d" : stat.IsSymlink ? "l" : "f";
            var link = stat.IsSymlink ? " -> " + new FileInfo(path).LinkTarget : "";
            lines.Add($"/{Path.GetRelativePath(Target, path)} {kind} {Convert.ToString(stat.Permissions, 8)} {stat.Uid}:{stat.Gid}{link}");
            if (stat.IsDirectory)
                Walk(path, lines);
        }
    }

    public void Dispose() => _temp.Dispose();
}
