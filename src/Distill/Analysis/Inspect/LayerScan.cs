using Distill.Analysis.Inventory;

namespace Distill.Analysis.Inspect;

/// <summary>
/// What one streaming pass over a layer's tar found: its entries (metadata only, in tar order), the length of the
/// uncompressed tar, the bytes of its regular files, the secret lookalikes whose contents were checked in passing, and
/// what the package inventory wanted from this layer alone (databases, Go build info).
/// </summary>
public sealed record LayerScan(int Index, IReadOnlyList<LayerEntry> Entries, long TarSize, long FilesSize, IReadOnlyList<SecretMatch> Secrets, PackageCollector Packages);
