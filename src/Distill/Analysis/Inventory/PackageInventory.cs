using System.Text;
using Distill.Oci;

namespace Distill.Analysis.Inventory;

/// <summary>
/// What software an image holds: dpkg and apk databases, Go modules from Go binaries' build info, NuGet packages
/// from .NET <c>*.deps.json</c> — each with its package URL. Reads layers once, streaming; nothing is unpacked.
/// </summary>
public static class PackageInventory
{
    /// <summary>Largest database file read (a big Debian image's status file is a few MB).</summary>
    public const long DatabaseLimit = 64L << 20;

    /// <summary>
    /// The small files the inventory parses: dpkg <c>status</c> and <c>status.d/*</c>, apk <c>installed</c>,
    /// os-release, <c>*.deps.json</c>. Pass it as <see cref="ImageRootFilesystem.CreateAsync(Oci.IImage, Func{string, bool}?, long, CancellationToken, string?)"/>'s <c>prefetch</c>
    /// (with <see cref="DatabaseLimit"/>) so <see cref="ScanAsync(IRootFilesystem, CancellationToken)"/> finds them in memory.
    /// </summary>
    public static bool IsDatabase(string path) =>
        DpkgDatabase.IsDatabase(path) || path == ApkDatabase.InstalledPath || OsRelease.Paths.Contains(path) || DotNetDeps.IsDepsFile(path);

    /// <summary>One streaming pass over the image's final filesystem (whiteouts applied).</summary>
    public static async Task<PackageInventoryResult> ScanAsync(IImage image, CancellationToken ct)
    {
        var collector = new PackageCollector();
        await ImageFilesystem.WalkAsync(image, async (entry, data, token) =>
        {
            if (data is not null && PackageCollector.Wants("/" + entry.Header.Name, entry.Header.Mode))
                await collector.ObserveAsync("/" + entry.Header.Name, entry.Header.Mode, entry.Header.Size, data, token);
        }, ct);
        return collector.Finish();
    }

    /// <summary>
    /// The inventory of an indexed root filesystem. Database files come from memory when they were prefetched
    /// (<see cref="IsDatabase"/>); executables are then read in batches to find Go binaries — for an image that is
    /// another pass over the layers holding executables, which <see cref="PackageCollector"/> avoids when the caller
    /// walks the layers itself.
    /// </summary>
    public static async Task<PackageInventoryResult> ScanAsync(IRootFilesystem root, CancellationToken ct)
    {
        var databases = new List<string>();
        var executables = new List<RootEntry>();
        Walk(root, "/", databases, executables);
        var files = await root.ReadFilesAsync(databases, DatabaseLimit, ct);
        var goBinaries = new Dictionary<string, GoBuildInfo>(StringComparer.Ordinal);
        const long batchBytes = 256L << 20;
        foreach (var batch in Batches(executables, batchBytes))
        {
            var contents = await root.ReadFilesAsync(batch, batchBytes, ct);
            foreach (var (path, bytes) in contents)
            {
                if (ElfReader.IsElf(bytes) && GoBuildInfo.Find(bytes) is { } go)
                    goBinaries[path] = go;
            }
        }
        return Build(files, goBinaries);
    }

    private static void Walk(IRootFilesystem root, string directory, List<string> databases, List<RootEntry> executables)
    {
        foreach (var name in root.List(directory).Order(StringComparer.Ordinal))
        {
            var path = RootPath.Join(directory, name);
            if (root.Lstat(path) is not { } entry)
                continue;
            if (entry.Kind == TarEntryKind.Directory)
                Walk(root, path, databases, executables);
            else if (entry.Kind == TarEntryKind.File && IsDatabase(path))
                databases.Add(path);
            else if (entry.Kind == TarEntryKind.File && entry.IsExecutable && entry.Size >= 64)
                executables.Add(entry);
        }
    }

    private static IEnumerable<List<string>> Batches(List<RootEntry> files, long limit)
    {
        var batch = new List<string>();
        long size = 0;
        foreach (var file in files.Where(f => f.Size <= limit))
        {
            if (size + file.Size > limit && batch.Count > 0)
            {
                yield return batch;
                batch = [];
                size = 0;
            }
            batch.Add(file.Path);
            size += file.Size;
        }
        if (batch.Count > 0)
            yield return batch;
    }

    /// <summary>Packages from the collected database bytes and Go build infos, with URLs for the image's distribution.</summary>
    internal static PackageInventoryResult Build(IReadOnlyDictionary<string, byte[]> databases, IReadOnlyDictionary<string, GoBuildInfo> goBinaries)
    {
        var problems = new List<string>();
        var os = OsRelease.Paths.Select(p => databases.GetValueOrDefault(p)).OfType<byte[]>().Select(b => OsRelease.Parse(Encoding.UTF8.GetString(b))).FirstOrDefault();
        var packages = new List<Package>();
        foreach (var (path, bytes) in databases.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            if (DpkgDatabase.IsDatabase(path))
            {
                var vendor = os?.Id ?? "debian";
                packages.AddRange(DpkgDatabase.Parse(Encoding.UTF8.GetString(bytes), path, problems)
                    .Select(p => OsPackage(p, PackageType.Deb, PackageUrl.Deb(vendor, p.Name, p.Version, p.Architecture, os?.Distro))));
            }
            else if (path == ApkDatabase.InstalledPath)
            {
                var vendor = os?.Id ?? "alpine";
                packages.AddRange(ApkDatabase.Parse(Encoding.UTF8.GetString(bytes), path, problems)
                    .Select(p => OsPackage(p, PackageType.Apk, PackageUrl.Apk(vendor, p.Name, p.Version, p.Architecture, os?.Distro))));
            }
            else if (DotNetDeps.IsDepsFile(path))
            {
                packages.AddRange(DotNetDeps.Parse(bytes, path, problems)
                    .Select(p => new Package(p.Name, p.Version, PackageType.Nuget, PackageUrl.Nuget(p.Name, p.Version)) { Locations = [path] }));
            }
        }
        foreach (var (path, go) in goBinaries.OrderBy(g => g.Key, StringComparer.Ordinal))
            packages.AddRange(GoPackages(path, go));
        var sorted = packages
            .DistinctBy(p => (p.Purl, string.Join('\n', p.Locations)))
            .OrderBy(p => p.Type).ThenBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Version, StringComparer.Ordinal)
            .ThenBy(p => p.Locations.Count > 0 ? p.Locations[0] : null, StringComparer.Ordinal)
            .ToList();
        return new PackageInventoryResult(sorted, os, problems);
    }

    private static Package OsPackage(InstalledPackage p, PackageType type, string purl) => new(p.Name, p.Version, type, purl)
    {
        Architecture = p.Architecture,
        SourceName = p.SourceName,
        SourceVersion = p.SourceVersion,
        Licenses = p.Licenses,
        Locations = [p.Location],
    };

    /// <summary>
    /// A Go binary's main module (an application), its dependencies, and the standard library as <c>stdlib</c> at
    /// the Go version (<c>pkg:golang/stdlib@1.19.8</c>, as syft and osv-scanner name it, so vulnerability databases
    /// that key Go's own advisories on <c>stdlib</c> match). A dependency replaced by another module is that module;
    /// one replaced by a local directory keeps the path and version it was required as.
    /// </summary>
    private static IEnumerable<Package> GoPackages(string path, GoBuildInfo go)
    {
        var main = go.Modules?.Main;
        var toolchain = go.Version?.Split(' ')[0];
        Package Make(string name, string version, bool application) => new(name, version, PackageType.Golang, PackageUrl.Golang(name, version))
        {
            Locations = [path],
            GoMainModule = main?.Path,
            GoVersion = toolchain,
            IsApplication = application,
        };
        if (main is not null)
            yield return Make(main.Path, main.Version, application: true);
        foreach (var dep in go.Modules?.Dependencies ?? [])
        {
            var module = dep.Replace is { } r && !IsLocalDirectory(r.Path) ? r : dep;
            yield return Make(module.Path, module.Version, application: false);
        }
        if (toolchain is { Length: > 2 } && toolchain.StartsWith("go", StringComparison.Ordinal))
        {
            yield return new Package("stdlib", toolchain, PackageType.Golang, PackageUrl.Build("golang", null, "stdlib", toolchain[2..]))
            {
                Locations = [path],
                GoMainModule = main?.Path,
                GoVersion = toolchain,
            };
        }
    }

    /// <summary>A replacement by directory (<c>=&gt; ../lib</c>), as go.mod allows: relative or absolute path.</summary>
    private static bool IsLocalDirectory(string path) => path.StartsWith("./", StringComparison.Ordinal) || path.StartsWith("../", StringComparison.Ordinal) || path.StartsWith('/') || path is "." or "..";
}
