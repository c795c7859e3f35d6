using Distill.Oci;

namespace Distill.Build;

/// <summary>
/// One layer of a stage's filesystem: a base image's layer (with its blob) or a step's snapshot. Either way it has a
/// snapshot key, under which <see cref="SnapshotStore"/> keeps (or will keep) the unpacked tree.
/// </summary>
internal sealed record StageLayer(string SnapshotKey, ILayer? ImageLayer, bool Empty);

/// <summary>A built stage: its config (with history), layers, cache key and shell, as later stages and the export need them.</summary>
internal sealed record StageOutput(string Name, ImageConfig Config, IReadOnlyList<StageLayer> Layers, string Key, IReadOnlyList<string> Shell);
