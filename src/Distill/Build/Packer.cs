using System.Globalization;
using Distill.Analysis;
using Distill.Oci;

namespace Distill.Build;

/// <summary>
/// Packages a host-built application into an image without a daemon (what ko, Jib and
/// <c>dotnet publish -t:PublishContainer</c> do): the directory becomes one or more reproducible layers on top of
/// scratch or a base image, with the given runtime config. Nothing here depends on the time or the host path.
/// </summary>
public static class Packer
{
    public static async Task<PackResult> PackAsync(PackOptions options, TransportOptions transport, CancellationToken ct)
    {
        var directory = Path.GetFullPath(options.Directory);
        if (!Directory.Exists(directory))
            throw new InvalidImageException($"{options.Directory}: no such directory");
        var appDir = ResolveImagePath(options.AppDir);
        // resolved, so that ".." cannot make the check below look at a host file outside the directory
        var entrypoint = ResolveImagePath(options.Entrypoint.StartsWith('/') ? options.Entrypoint : CombineImagePath(appDir, options.Entrypoint));
        var baseImage = options.Base is null ? null : await Transports.ReadAsync(options.Base, transport with { Platform = options.Platform }, ct);
        CheckEntrypoint(directory, appDir, entrypoint, options, baseImage);
        if (baseImage is not null && !options.Platform.Matches(baseImage.Config.Platform))
            throw new InvalidImageException($"base {options.Base}: platform {baseImage.Config.Platform} does not match --platform {options.Platform}");

        var tree = HostFileTree.Scan(directory, appDir, new FileTreeOptions { ModTime = Reproducible.ModTime });
        var groups = options.SplitLayers ? SplitByTopLevel(tree, TarEntryHeader.CleanName(appDir)) : [tree];
        var layerOptions = new LayerBuildOptions { StagingDirectory = options.StagingDirectory, Compression = options.Compression };
        // layers are independent: compress them at once (each also compresses in parallel inside)
        var built = await Task.WhenAll(groups.Select(g => LayerBuilder.BuildAsync(g, layerOptions, ct)));

        var created = Reproducible.Created;
        var image = baseImage ?? Image.Create(ImageConfig.Empty(options.Platform) with { Created = created }, []);
        // the runtime config the dependencies are planned for (Env such as LD_LIBRARY_PATH, WorkingDir)
        var config = Configure(image.Config, options, entrypoint, created);
        var layers = new List<(ILayer, HistoryEntry)>();
        var newLayers = new List<BuiltLayer>();
        DependencyCopyPlan? dependencies = null;
        if (options.WithDependencies)
        {
            // the dependencies change less often than the app: their layer goes first, so a rebuilt app reuses it
            var source = await DependencySource.OpenAsync(options.DependenciesFrom, transport with { Platform = options.Platform }, ct);
            dependencies = await PlanDependenciesAsync(directory, appDir, entrypoint, baseImage, config, source, ct);
            if (dependencies.Files.Count > 0)
            {
                var layer = await DependencyLayer.BuildAsync(dependencies, source, layerOptions, ct);
                newLayers.Add(layer);
                layers.Add((layer.Layer, new HistoryEntry { Created = created, CreatedBy = $"distill pack: dependencies of {entrypoint} from {source.Description}", Comment = "distill" }));
            }
        }
        layers.AddRange(built.Select((b, i) => ((ILayer)b.Layer, new HistoryEntry
        {
            Created = created,
            CreatedBy = groups.Count == 1 ? $"distill pack: COPY . {appDir}" : $"distill pack: COPY {Describe(groups[i], TarEntryHeader.CleanName(appDir))} {appDir}",
            Comment = "distill",
        })));
        newLayers.AddRange(built);
        image = Mutate.AppendLayers(image, layers);
        image = Mutate.WithConfig(image, c => Configure(c, options, entrypoint, created));
        var compressed = image.ManifestDescriptor.Size + image.Manifest.Config.Size + image.Layers.Sum(l => l.Descriptor.Size);
        var uncompressed = newLayers.Sum(b => b.UncompressedSize);
        return new PackResult(image, compressed, uncompressed, newLayers) { Dependencies = dependencies };
    }

    /// <summary>The closure copy for the entrypoint, checked against the image as it will be: the base, with the app directory at its place.</summary>
    private static async Task<DependencyCopyPlan> PlanDependenciesAsync(string directory, string appDir, string entrypoint, IImage? baseImage,
        ImageConfig config, IRootFilesystem source, CancellationToken ct)
    {
        IRootFilesystem app = new MountedRootFilesystem(appDir, new HostRootFilesystem(directory));
        var target = baseImage is null
            ? app
            : new LayeredRootFilesystem([app, await ImageRootFilesystem.CreateAsync(baseImage, DependencySource.IsConfiguration, LoaderConfiguration.ConfigurationLimit, ct)]);
        var bytes = await RootPath.ReadFileAsync(target, entrypoint, LibraryResolver.ElfLimit, ct)
            ?? throw new InvalidImageException($"--with-deps: entrypoint {entrypoint} is not a readable file in the image");
        return await DependencyCopy.PlanAsync(new DependencyCopyRequest
        {
            ExecutablePath = entrypoint, Executable = bytes, Config = config, Target = target, Source = source,
        }, ct);
    }

    private static void CheckEntrypoint(string directory, string appDir, string entrypoint, PackOptions options, IImage? baseImage)
    {
        var underApp = appDir == "/" ? entrypoint[1..] : entrypoint.StartsWith(appDir + "/", StringComparison.Ordinal) ? entrypoint[(appDir.Length + 1)..] : null;
        if (underApp is null)
        {
            if (baseImage is null)
                throw new InvalidImageException($"entrypoint {entrypoint} is outside --app-dir {appDir} and the base is scratch: nothing would provide it");
            return; // provided by the base image; `distill verify` checks it
        }
        var hostPath = Path.Combine(directory, underApp);
        if (!File.Exists(hostPath))
            throw new InvalidImageException($"entrypoint {entrypoint}: {hostPath} does not exist in {options.Directory}");
        if ((File.GetUnixFileMode(hostPath) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) == 0)
            throw new InvalidImageException($"entrypoint {entrypoint}: {hostPath} is not executable (chmod +x it)");
    }

    private static ImageConfig Configure(ImageConfig config, PackOptions options, string entrypoint, string created)
    {
        var c = config.Config ?? new ContainerConfig();
        var env = MergeEnv(c.Env, options.Env);
        var labels = new SortedDictionary<string, string>(c.Labels?.ToDictionary() ?? [], StringComparer.Ordinal);
        foreach (var label in options.Labels)
        {
            var (key, value) = SplitPair(label, "--label");
            labels[key] = value;
        }
        var ports = new SortedDictionary<string, EmptyObject>(c.ExposedPorts?.ToDictionary() ?? [], StringComparer.Ordinal);
        foreach (var port in options.Expose)
            ports[NormalizePort(port)] = EmptyObject.Instance;
        return config with
        {
            Created = created,
            Architecture = options.Platform.Architecture,
            Os = options.Platform.Os,
            Variant = options.Platform.Variant,
            Config = c with
            {
                Entrypoint = [entrypoint],
                // like a Dockerfile ENTRYPOINT, a new entrypoint drops the base image's CMD
                Cmd = options.Cmd is { Count: > 0 } ? options.Cmd : null,
                Env = env.Count == 0 ? null : env,
                WorkingDir = options.WorkDir ?? c.WorkingDir,
                User = options.User ?? c.User,
                Labels = labels.Count == 0 ? null : labels,
                ExposedPorts = ports.Count == 0 ? null : ports,
            },
        };
    }

    /// <summary>Base env with each <c>K=V</c> replacing the same key or appended.</summary>
    private static List<string> MergeEnv(IReadOnlyList<string>? baseEnv, IReadOnlyList<string> additions)
    {
        var env = new List<string>(baseEnv ?? []);
        foreach (var pair in additions)
        {
            var (key, _) = SplitPair(pair, "--env");
            var existing = env.FindIndex(e => e.StartsWith(key + "=", StringComparison.Ordinal) || e == key);
            if (existing >= 0)
                env[existing] = pair;
            else
                env.Add(pair);
        }
        return env;
    }

    private static (string Key, string Value) SplitPair(string pair, string option)
    {
        var eq = pair.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
            throw new InvalidImageException($"{option} \"{pair}\": expected KEY=VALUE");
        return (pair[..eq], pair[(eq + 1)..]);
    }

    private static string NormalizePort(string port)
    {
        var slash = port.IndexOf('/', StringComparison.Ordinal);
        var number = slash < 0 ? port : port[..slash];
        var protocol = slash < 0 ? "tcp" : port[(slash + 1)..].ToLowerInvariant();
        if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 1 or > 65535 || protocol is not ("tcp" or "udp" or "sctp"))
            throw new InvalidImageException($"--expose \"{port}\": expected PORT[/tcp|udp|sctp]");
        return $"{n}/{protocol}";
    }

    private static string CombineImagePath(string dir, string relative) => dir == "/" ? "/" + relative : $"{dir}/{relative}";

    /// <summary>An absolute image path with <c>.</c> and <c>..</c> resolved as the container would (<c>..</c> stops at <c>/</c>).</summary>
    private static string ResolveImagePath(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                if (parts.Count > 0)
                    parts.RemoveAt(parts.Count - 1);
            }
            else if (part != ".")
            {
                parts.Add(part);
            }
        }
        return "/" + string.Join('/', parts);
    }

    /// <summary>Entries grouped by the top-level directory of the app: each directory's subtree, then the files at the top.</summary>
    private static List<IReadOnlyList<FileTreeEntry>> SplitByTopLevel(IReadOnlyList<FileTreeEntry> tree, string prefix)
    {
        var depth = prefix.Length == 0 ? 0 : prefix.Split('/').Length;
        var parents = tree.Where(e => e.Header.Name.Split('/').Length <= depth).ToList();
        var byTop = new SortedDictionary<string, List<FileTreeEntry>>(StringComparer.Ordinal);
        var topFiles = new List<FileTreeEntry>(parents);
        var topDirs = tree.Where(e => e.Header.Name.Split('/').Length == depth + 1 && e.Header.Kind == TarEntryKind.Directory)
            .Select(e => e.Header.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var entry in tree.Skip(0))
        {
            var parts = entry.Header.Name.Split('/');
            if (parts.Length <= depth)
                continue;
            var top = string.Join('/', parts[..(depth + 1)]);
            if (topDirs.Contains(top))
            {
                if (!byTop.TryGetValue(top, out var list))
                    byTop[top] = list = [.. parents];
                list.Add(entry);
            }
            else
            {
                topFiles.Add(entry);
            }
        }
        var groups = byTop.Values.Cast<IReadOnlyList<FileTreeEntry>>().ToList();
        if (topFiles.Count > parents.Count || groups.Count == 0)
            groups.Add(topFiles);
        return groups;
    }

    private static string Describe(IReadOnlyList<FileTreeEntry> group, string prefix)
    {
        var depth = prefix.Length == 0 ? 0 : prefix.Split('/').Length;
        var top = group.Select(e => e.Header.Name.Split('/')).Where(p => p.Length > depth).Select(p => p[depth]).Distinct().ToList();
        return top.Count == 1 && group.Any(e => e.Header.Kind == TarEntryKind.Directory && e.Header.Name.Split('/').Length == depth + 1) ? top[0] + "/" : "(files)";
    }
}
