namespace Distill.Analysis.Inspect;

/// <summary>
/// dive's efficiency (<c>filetree.Efficiency</c>), fed one layer at a time, bottom first, with the merged view of the
/// layers below: each leaf of a layer's own tree (an entry with no other entry of that layer under it) is one
/// version of its path, sized by its tar header; a whiteout is a version of the removed path, sized 0 for a file and
/// the bytes of everything under it (in the layers below) for a directory. Opaque markers make no version, as in dive.
/// </summary>
internal sealed class EfficiencyTally
{
    private readonly Dictionary<string, Tally> _paths = new(StringComparer.Ordinal);

    public void AddLayer(LayerScan layer, FilesystemTree lower)
    {
        // dive's layer tree: opaque markers are dropped; an entry is a leaf unless another entry lies under it
        var parents = new HashSet<string>(StringComparer.Ordinal);
        var leaves = new Dictionary<(string Path, bool Whiteout), LayerEntry>();
        foreach (var entry in layer.Entries)
        {
            if (entry.Role == LayerEntryRole.Opaque)
                continue;
            for (var slash = entry.Path.LastIndexOf('/'); slash > 0; slash = entry.Path.LastIndexOf('/', slash - 1))
            {
                if (!parents.Add(entry.Path[..slash]))
                    break; // its ancestors are in already
            }
            leaves[(entry.Path, entry.Role == LayerEntryRole.Whiteout)] = entry; // the same path twice: the last wins, as in dive
        }
        foreach (var ((path, whiteout), entry) in leaves)
        {
            if (!whiteout && parents.Contains(path))
                continue;
            var size = whiteout
                ? lower.Lookup(path) is { IsDirectory: true } removed ? FilesystemTree.SubtreeBytes(removed) : 0
                : entry.Size;
            if (!_paths.TryGetValue(path, out var tally))
                _paths[path] = tally = new Tally();
            tally.Add(size);
        }
    }

    public WastedSpace Result(int top)
    {
        long minimum = 0, all = 0, wasted = 0;
        var inefficient = new List<WastedPath>();
        foreach (var (path, tally) in _paths)
        {
            minimum += tally.Minimum;
            all += tally.Cumulative;
            if (tally.Versions < 2)
                continue;
            wasted += tally.Cumulative;
            if (tally.Cumulative > 0) // directories written twice are versions too, of no bytes
                inefficient.Add(new WastedPath("/" + path, tally.Versions, tally.Cumulative));
        }
        var largest = inefficient.OrderByDescending(p => p.Bytes).ThenBy(p => p.Path, StringComparer.Ordinal).Take(top).ToList();
        return new WastedSpace(wasted, all == 0 ? 1.0 : (double)minimum / all, inefficient.Count, largest);
    }

    private sealed class Tally
    {
        public int Versions { get; private set; }
        public long Cumulative { get; private set; }
        public long Minimum { get; private set; } = -1;

        public void Add(long size)
        {
            Versions++;
            Cumulative += size;
            if (Minimum < 0 || size < Minimum)
                Minimum = size;
        }
    }
}
