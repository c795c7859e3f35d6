using Distill.Oci;

namespace Distill.Analysis;

/// <summary>
/// One entry the dependency copy adds to an image: a directory, a symlink (<see cref="Source"/> is its target, as in
/// the source root) or a regular file (<see cref="Source"/> is the resolved path in the source root its bytes come from).
/// </summary>
public sealed record AddedFile(string Path, TarEntryKind Kind, int Mode, string Source)
{
    /// <summary><c>/lib64 -> usr/lib64</c>, <c>/usr/lib/x86_64-linux-gnu/libc.so.6</c>, <c>/usr/lib/</c>: for listings.</summary>
    public override string ToString() => Kind switch
    {
        TarEntryKind.Symlink => $"{Path} -> {Source}",
        TarEntryKind.Directory => Path + "/",
        _ => Source == Path ? Path : $"{Path} (from {Source})",
    };
}
