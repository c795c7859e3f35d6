using Distill.Oci;

namespace Distill.Build;

/// <summary>The compressed layer made from a step's snapshot, kept next to it so a rebuild does not compress again.</summary>
internal sealed record BuiltLayerRecord(Descriptor Descriptor, Digest DiffId);
