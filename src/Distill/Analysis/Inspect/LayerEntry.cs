using Distill.Oci;

namespace Distill.Analysis.Inspect;

/// <summary>
/// One entry of one layer's tar, as inspect keeps it (no data): <see cref="Path"/> is clean and relative
/// (<c>usr/bin/bash</c>); for a whiteout it is the path removed, for an opaque marker the directory made opaque.
/// A hard link's <see cref="LinkTarget"/> is the clean path it links to.
/// </summary>
public readonly record struct LayerEntry(string Path, LayerEntryRole Role, TarEntryKind Kind, int Mode, int Uid, int Gid, long Size, string LinkTarget);
