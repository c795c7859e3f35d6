using Distill.Oci;

namespace Distill.Build;

/// <summary>
/// One layer of a stage's filesystem: a base image's layer (with its blob) or a step's snapshot. Either way it has a
/// snapshot key, under which <see cref="SnapshotStore"/> keeps (or will keep) the unpacked tree.
/// </summary>
internal sealed record StageLayer(string SnapshotKey, ILayer? ImageLayer, bool Empty)
{
    /// <summary>An image's layers, each keyed by its chain ID (the OCI image spec's: diffIDs hashed bottom up), so a base is unpacked once whoever uses it.</summary>
    public static List<StageLayer> FromImage(IImage image)
    {
        var layers = new List<StageLayer>();
        Digest? chain = null;
        foreach (var layer in image.Layers)
        {
            chain = chain is null ? layer.DiffId : Digest.Compute(System.Text.Encoding.UTF8.GetBytes($"{chain} {layer.DiffId}"));
            layers.Add(new StageLayer("chain:" + chain, layer, Empty: false));
        }
        return layers;
    }
}

/// <summary>A built stage: its config (with history), layers, cache key and shell, as later stages and the export need them.</summary>
internal sealed record StageOutput(string Name, ImageConfig Config, IReadOnlyList<StageLayer> Layers, string Key, IReadOnlyList<string> Shell);
