namespace Distill.Oci;

/// <summary>The files of an OCI layout or a docker-archive, wherever they are: a directory or a tar archive.</summary>
internal interface ILayoutFiles
{
    /// <summary>How errors name a file, e.g. <c>out/index.json</c> or <c>img.tar:index.json</c>.</summary>
    string Describe(string relative);
    bool Exists(string relative);
    long SizeOf(string relative);
    Stream Open(string relative);
}

internal static class LayoutFilesExtensions
{
    public const long MaxDocumentSize = 64L << 20;

    /// <summary>Reads a small document (index, manifest, config) whole.</summary>
    public static byte[] ReadDocument(this ILayoutFiles files, string relative)
    {
        if (!files.Exists(relative))
            throw new InvalidImageException($"{files.Describe(relative)}: no such file");
        var size = files.SizeOf(relative);
        if (size > MaxDocumentSize)
            throw new InvalidImageException($"{files.Describe(relative)}: {size} bytes is too large for a JSON document");
        using var stream = files.Open(relative);
        var data = new byte[size];
        stream.ReadExactly(data);
        return data;
    }

    /// <summary>Reads a blob by descriptor and checks it against the descriptor.</summary>
    public static byte[] ReadVerifiedBlob(this ILayoutFiles files, Descriptor descriptor, string what)
    {
        var path = BlobPath(descriptor.Digest);
        if (!files.Exists(path))
            throw new InvalidImageException($"{files.Describe(path)}: {what} blob {descriptor.Digest} is missing");
        if (descriptor.Size > MaxDocumentSize)
            throw new InvalidImageException($"{files.Describe(path)}: {what} of {descriptor.Size} bytes is too large");
        var data = files.ReadDocument(path);
        Image.Verify(descriptor, data, $"{files.Describe(path)} ({what})");
        return data;
    }

    public static string BlobPath(Digest digest) => $"blobs/{digest.Algorithm}/{digest.Encoded}";
}

/// <summary>Layout files in a directory.</summary>
internal sealed class DirectoryLayoutFiles(string root) : ILayoutFiles
{
    public string Root { get; } = root;
    public string Describe(string relative) => Path.Combine(Root, relative);
    public bool Exists(string relative) => File.Exists(Path.Combine(Root, relative));
    public long SizeOf(string relative) => new FileInfo(Path.Combine(Root, relative)).Length;
    public Stream Open(string relative) => BlobFiles.OpenRead(Path.Combine(Root, relative));
}
