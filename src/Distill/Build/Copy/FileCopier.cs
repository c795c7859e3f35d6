using Distill.Oci;

namespace Distill.Build;

/// <summary>
/// COPY and ADD as BuildKit does them, into a stage's root filesystem (a host directory, usually an overlay mount):
/// every target path is resolved through <see cref="SafeRoot"/>.
/// </summary>
public static class FileCopier
{
    /// <summary>Applies <paramref name="request"/> from <paramref name="source"/> into <paramref name="targetRoot"/>; a missing source or a bad flag is a <see cref="BuildException"/> naming <see cref="CopyRequest.Location"/>.</summary>
    public static Task CopyAsync(CopyRequest request, CopySource source, string targetRoot, HttpClient? http, CancellationToken ct) =>
        throw new NotImplementedException();

    /// <summary>A digest of everything the copy reads (names, types, modes, owners when not from the context, link targets, contents), for cache keys.</summary>
    public static Task<Digest> DigestInputsAsync(CopyRequest request, CopySource source, HttpClient? http, CancellationToken ct) =>
        throw new NotImplementedException();
}
