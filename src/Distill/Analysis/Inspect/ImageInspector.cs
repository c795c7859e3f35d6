using Distill.Analysis.Inventory;
using Distill.Oci;

namespace Distill.Analysis.Inspect;

/// <summary>
/// Inspects an image from any transport in one streaming pass: every layer's tar is read once, start to end (layers
/// in parallel), never unpacked to disk; the merged filesystem, dive's wasted space and the attack surface are then
/// worked out from the entries' metadata and the few small files read in passing.
/// </summary>
public static class ImageInspector
{
    public static async Task<ImageInspection> InspectAsync(IImage image, InspectOptions? options, CancellationToken ct)
    {
        options ??= new InspectOptions();
        var scans = new LayerScan[image.Layers.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, scans.Length),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallelism), CancellationToken = ct },
            async (i, token) => scans[i] = await LayerScanner.ScanAsync(image.Layers[i], i, token));

        var tree = new FilesystemTree();
        var efficiency = new EfficiencyTally();
        var packages = new PackageCollector();
        foreach (var scan in scans)
        {
            efficiency.AddLayer(scan, tree); // before the layer is applied: dive sizes a removed directory in the layers below
            tree.Apply(scan);
            ApplyPackages(scan, packages);
        }
        tree.ComputeTotals();

        return new ImageInspection
        {
            Reference = options.Reference,
            Manifest = image.ManifestDescriptor,
            Platform = image.Config.Platform,
            Created = image.Config.Created,
            Config = image.Config.Config ?? new ContainerConfig(),
            Layers = Layers(image, scans),
            Filesystem = Summarize(tree, options.Top),
            Wasted = efficiency.Result(options.Top),
            AttackSurface = AttackSurfaceScanner.Scan(tree, image.Config.Config, scans.SelectMany(s => s.Secrets)),
            Packages = packages.Finish(),
        };
    }

    /// <summary>
    /// The inventory's view after one more layer: what it removes (whiteouts, opaque directories) or replaces is
    /// forgotten, then what it holds is taken — the layers were read in parallel, each into its own collector.
    /// </summary>
    private static void ApplyPackages(LayerScan scan, PackageCollector packages)
    {
        foreach (var entry in scan.Entries)
        {
            // a directory entry replaces only the directory itself; whiteouts, opaque markers and non-directories drop what is beneath
            if (entry is { Role: LayerEntryRole.Content, Kind: TarEntryKind.Directory })
                packages.ForgetExact("/" + entry.Path);
            else
                packages.Forget("/" + entry.Path);
        }
        packages.Absorb(scan.Packages);
    }

    /// <summary>Layers with their history: entries marked <c>empty_layer</c> made no layer, the others line up in order.</summary>
    private static List<LayerInspection> Layers(IImage image, LayerScan[] scans)
    {
        var history = (image.Config.History ?? []).Where(h => h.EmptyLayer != true).ToList();
        return scans.Select(scan =>
        {
            var layer = image.Layers[scan.Index];
            var made = scan.Index < history.Count ? history[scan.Index] : null;
            return new LayerInspection(scan.Index, layer.Descriptor.Digest, layer.DiffId, layer.Descriptor.MediaType, layer.Descriptor.Size,
                scan.TarSize, scan.FilesSize, scan.Entries.Count)
            {
                CreatedBy = made?.CreatedBy,
                Created = made?.Created,
                Comment = made?.Comment,
            };
        }).ToList();
    }

    private static FilesystemSummary Summarize(FilesystemTree tree, int top)
    {
        int files = 0, directories = 0, symlinks = 0, other = 0;
        var allFiles = new List<FileNode>();
        var allDirectories = new List<FileNode>();
        var stack = new Stack<FileNode>(tree.Root.Children);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            foreach (var child in node.Children)
                stack.Push(child);
            switch (node.Kind)
            {
                case TarEntryKind.File or TarEntryKind.Hardlink:
                    files++;
                    if (node.Kind == TarEntryKind.File)
                        allFiles.Add(node);
                    break;
                case TarEntryKind.Directory:
                    directories++;
                    allDirectories.Add(node);
                    break;
                case TarEntryKind.Symlink:
                    symlinks++;
                    break;
                default:
                    other++;
                    break;
            }
        }
        return new FilesystemSummary(tree.Root.TotalSize, files, directories, symlinks, other)
        {
            LargestFiles = Largest(allFiles, top),
            LargestDirectories = Largest(allDirectories, top),
            Root = tree.Root,
        };
    }

    private static List<SizedPath> Largest(List<FileNode> nodes, int top) =>
        nodes.Select(n => new SizedPath(n.Path, n.TotalSize, n.Layer))
            .OrderByDescending(p => p.Size).ThenBy(p => p.Path, StringComparer.Ordinal).Take(top).ToList();
}
