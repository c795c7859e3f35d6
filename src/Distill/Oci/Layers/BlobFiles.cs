using System.Runtime.InteropServices;

namespace Distill.Oci;

/// <summary>
/// File primitives for content-addressed blobs: sequential reads, and writes that land atomically — bytes go to a
/// temporary file beside the target, are checked, then renamed, so a failed or interrupted write leaves nothing.
/// </summary>
public static partial class BlobFiles
{
    private const int BufferSize = 1 << 20;

    public static FileStream OpenRead(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.SequentialScan | FileOptions.Asynchronous);

    /// <summary>A unique temporary path in <paramref name="directory"/>, recognisable by its <c>.tmp-</c> prefix.</summary>
    public static string TempPath(string directory, string hint = "blob") => Path.Combine(directory, $".tmp-{hint}-{Guid.NewGuid():N}");

    /// <summary>A new temporary file in <paramref name="directory"/>.</summary>
    public static (string Path, FileStream Stream) CreateTemp(string directory, string hint = "blob")
    {
        Directory.CreateDirectory(directory);
        var path = TempPath(directory, hint);
        return (path, new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, BufferSize, FileOptions.Asynchronous));
    }

    /// <summary>
    /// Streams <paramref name="source"/> into <paramref name="target"/>, checking size and digest against
    /// <paramref name="expected"/> on the way; the target appears only when both match. With
    /// <paramref name="sourceVerifies"/> (the source is, or wraps, a <see cref="VerifyingStream"/> for
    /// <paramref name="expected"/>, which throws while being read if the digest differs) the bytes are not hashed a
    /// second time: only the size is checked here.
    /// </summary>
    public static async Task WriteVerifiedAsync(Stream source, Descriptor expected, string target, string what, CancellationToken ct, bool sourceVerifies = false)
    {
        var (temp, stream) = CreateTemp(Path.GetDirectoryName(target)!);
        try
        {
            Digest actual;
            long size;
            await using (stream)
            {
                if (sourceVerifies)
                {
                    await source.CopyToAsync(stream, BufferSize, ct);
                    actual = expected.Digest;
                    size = stream.Position;
                }
                else
                {
                    using var hashing = new HashingStream(stream, leaveOpen: true, expected.Digest.Algorithm);
                    await source.CopyToAsync(hashing, BufferSize, ct);
                    actual = hashing.Digest;
                    size = hashing.Length64;
                }
            }
            if (actual != expected.Digest)
                throw new InvalidImageException($"{what}: blob digest mismatch: expected {expected.Digest}, content has {actual}");
            if (size != expected.Size)
                throw new InvalidImageException($"{what}: blob {expected.Digest} has {size} bytes, descriptor says {expected.Size}");
            File.Move(temp, target, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Writes bytes atomically (temporary file, then rename).</summary>
    public static async Task WriteAtomicAsync(string target, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        var (temp, stream) = CreateTemp(Path.GetDirectoryName(Path.GetFullPath(target))!, Path.GetFileName(target));
        try
        {
            await using (stream)
                await stream.WriteAsync(content, ct);
            File.Move(temp, target, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Makes <paramref name="target"/> a hard link to <paramref name="source"/>; false where links cannot be made (other file system).</summary>
    public static bool TryHardLink(string source, string target)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            return false;
        return Link(source, target) == 0;
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string oldPath, string newPath);
}
