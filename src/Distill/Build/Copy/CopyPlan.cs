using Distill.Dockerfile;
using Distill.Oci;

namespace Distill.Build;

/// <summary>
/// One COPY/ADD with its paths worked out as BuildKit's Dockerfile frontend does: the destination is absolute (a
/// relative one is below WORKDIR) and names a directory when it ends in <c>/</c> (or is <c>.</c>); each source is a
/// path in the source root (<c>..</c> cannot leave it) or a wildcard pattern, which may match nothing.
/// </summary>
internal sealed class CopyPlan
{
    private readonly CopyRequest _request;
    private readonly CopySourceTree _tree;

    private CopyPlan(CopyRequest request, CopySourceTree tree, string destination, bool destinationIsDirectory)
    {
        _request = request;
        _tree = tree;
        Destination = destination;
        DestinationIsDirectory = destinationIsDirectory;
    }

    /// <summary>The absolute, clean image path of the destination.</summary>
    public string Destination { get; }

    public bool DestinationIsDirectory { get; }

    public static CopyPlan Create(CopyRequest request, CopySource source)
    {
        var d = request.Destination;
        var isDirectory = d.Length == 0 || d == "." || d.EndsWith('/') || d.EndsWith("/.", StringComparison.Ordinal);
        var full = d.StartsWith('/') ? d : (request.WorkingDir.Length == 0 ? "/" : request.WorkingDir).TrimEnd('/') + "/" + d;
        return new CopyPlan(request, new CopySourceTree(source), GoPath.Clean("/" + full), isDirectory);
    }

    /// <summary>
    /// Every source's matches (paths relative to the source root, as matched: not yet followed); a missing source
    /// without wildcards fails here, before anything is written, as BuildKit fails while computing the cache key.
    /// </summary>
    public IReadOnlyList<CopyItem> ResolveSources()
    {
        var items = new List<CopyItem>();
        foreach (var source in _request.Sources)
        {
            if (RemoteSource.IsUrl(source))
            {
                if (!_request.IsAdd)
                    throw new CopyFailedException($"source can't be a URL for COPY: {source}");
                if (RemoteSource.IsGit(source))
                    throw new CopyFailedException($"ADD of a git repository is not supported: {source}");
                items.Add(new CopyItem(source, [], source));
                continue;
            }
            if (_request.Parents)
            {
                // --parents copies the source root (or the directory before a "/./" pivot) with the path as an include pattern
                var pivot = source.IndexOf("/./", StringComparison.Ordinal);
                var pattern = pivot < 0 ? source : source[(pivot + 3)..];
                var baseDir = pivot < 0 ? "" : GoPath.Clean("/" + source[..pivot]).TrimStart('/');
                var resolvedBase = _tree.Resolve(baseDir, out var baseExists);
                if (!baseExists)
                    throw CopyFailedException.NotFound("/" + resolvedBase);
                items.Add(new CopyItem(baseDir, [GoPath.Clean("/" + pattern).TrimStart('/')]));
                continue;
            }
            var clean = GoPath.Clean("/" + source).TrimStart('/');
            if (CopySourceTree.Split(clean).Any(CopySourceTree.ContainsWildcards))
            {
                items.AddRange(_tree.Glob(clean).Select(m => new CopyItem(m, [])));
                continue;
            }
            var resolved = _tree.Resolve(clean, out var exists);
            if (!exists)
                throw CopyFailedException.NotFound("/" + resolved);
            items.Add(new CopyItem(clean, []));
        }
        return items;
    }

    public async Task ExecuteAsync(string targetRoot, HttpClient? http, CancellationToken ct)
    {
        var owner = _request.Chown is null ? (CopyOwner?)null : CopyOwner.Resolve(_request.Chown, targetRoot);
        var mode = _request.Chmod is null ? null : CopyMode.Parse(_request.Chmod);
        var excludes = CopyExcludes.Create(_request.Excludes);
        var target = new CopyTarget(targetRoot, owner);
        foreach (var item in ResolveSources())
        {
            ct.ThrowIfCancellationRequested();
            if (item.Url is not null)
            {
                await CopyUrlAsync(item.Url, target, owner, mode, http, ct);
                continue;
            }
            if (_request.IsAdd && _request.Unpack != false && item.Includes.Count == 0
                && await TryUnpackAsync(_tree, _tree.Resolve(item.Source, out _), target, ct))
                continue;
            new TreeCopier(_tree, target, owner, mode, new CopyFilter(item.Includes, excludes)).CopyTop(item.Source, Destination, DestinationIsDirectory);
        }
    }

    private async Task CopyUrlAsync(string url, CopyTarget target, CopyOwner? owner, CopyMode? mode, HttpClient? http, CancellationToken ct)
    {
        var download = Directory.CreateTempSubdirectory("distill-add-");
        try
        {
            var name = await RemoteSource.DownloadAsync(url, _request.Checksum, http, download.FullName, ct);
            var tree = new CopySourceTree(new CopySource { Root = download.FullName, ContextEntries = new HashSet<string> { name }, Description = url });
            if (_request.Unpack == true && await TryUnpackAsync(tree, name, target, ct))
                return;
            new TreeCopier(tree, target, owner, mode, new CopyFilter([], null)).CopyTop(name, Destination, DestinationIsDirectory);
        }
        finally
        {
            download.Delete(recursive: true);
        }
    }

    /// <summary>BuildKit's unpack for ADD: a regular file that is a (compressed) tar is extracted into the destination directory.</summary>
    private async Task<bool> TryUnpackAsync(CopySourceTree tree, string resolved, CopyTarget target, CancellationToken ct)
    {
        if (tree.Stat(resolved) is not { IsRegular: true })
            return false;
        var archive = ArchiveDetector.OpenArchive(tree.HostPath(resolved));
        if (archive is null)
            return false;
        await using (archive)
        {
            var destination = target.ResolveFully(Destination);
            target.EnsureDirectory(destination);
            await ArchiveExtractor.ExtractAsync(archive, destination, "/" + resolved, ct);
        }
        return true;
    }

    public async Task<Digest> DigestAsync(HttpClient? http, CancellationToken ct)
    {
        var digest = new InputDigest();
        digest.Add("copy", _request.IsAdd ? "add" : "copy", Destination, DestinationIsDirectory ? "dir" : "path", _request.Chown ?? "",
            _request.Chmod ?? "", _request.Parents ? "parents" : "", string.Join('\0', _request.Excludes), _request.Checksum ?? "",
            _request.Unpack?.ToString() ?? "", _request.KeepGitDir ? "git" : "");
        var excludes = CopyExcludes.Create(_request.Excludes);
        foreach (var item in ResolveSources())
        {
            ct.ThrowIfCancellationRequested();
            digest.Add("source", item.Source);
            if (item.Url is not null)
            {
                await DigestUrlAsync(digest, item.Url, http, ct);
                continue;
            }
            var filter = new CopyFilter(item.Includes, excludes);
            digest.AddTree(_tree, _tree.Resolve(item.Source, out _), "", filter, !filter.HasIncludes);
        }
        return digest.Finish();
    }

    private async Task DigestUrlAsync(InputDigest digest, string url, HttpClient? http, CancellationToken ct)
    {
        if (_request.Checksum is not null)
        {
            digest.Add("checksum", _request.Checksum);
            return; // BuildKit trusts a pinned checksum for the cache key
        }
        var download = Directory.CreateTempSubdirectory("distill-add-");
        try
        {
            var name = await RemoteSource.DownloadAsync(url, null, http, download.FullName, ct);
            var tree = new CopySourceTree(new CopySource { Root = download.FullName, ContextEntries = new HashSet<string> { name }, Description = url });
            digest.AddTree(tree, name, "", new CopyFilter([], null), true);
        }
        finally
        {
            download.Delete(recursive: true);
        }
    }
}
