using Distill.Oci;

namespace Distill.Build;

/// <summary>
/// COPY and ADD as BuildKit does them, into a stage's root filesystem (a host directory, usually an overlay mount):
/// every target path is resolved through <see cref="SafeRoot"/>.
/// </summary>
public static class FileCopier
{
    /// <summary>Applies <paramref name="request"/> from <paramref name="source"/> into <paramref name="targetRoot"/>; a missing source or a bad flag is a <see cref="BuildException"/> naming <see cref="CopyRequest.Location"/>.</summary>
    public static async Task CopyAsync(CopyRequest request, CopySource source, string targetRoot, HttpClient? http, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(source);
        try
        {
            var plan = CopyPlan.Create(request, source);
            await plan.ExecuteAsync(targetRoot, http, ct);
        }
        catch (Exception e) when (e is CopyFailedException or IOException or UnauthorizedAccessException or FormatException or InvalidImageException or HttpRequestException)
        {
            throw new BuildException($"{request.Location}: {e.Message}", e);
        }
    }

    /// <summary>A digest of everything the copy reads (names, types, modes, owners when not from the context, link targets, contents), for cache keys.</summary>
    public static async Task<Digest> DigestInputsAsync(CopyRequest request, CopySource source, HttpClient? http, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(source);
        try
        {
            var plan = CopyPlan.Create(request, source);
            return await plan.DigestAsync(http, ct);
        }
        catch (Exception e) when (e is CopyFailedException or IOException or UnauthorizedAccessException or FormatException or InvalidImageException or HttpRequestException)
        {
            throw new BuildException($"{request.Location}: {e.Message}", e);
        }
    }
}
