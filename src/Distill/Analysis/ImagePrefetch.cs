namespace Distill.Analysis;

/// <summary>
/// What <see cref="ImageRootFilesystem.CreateAsync(Oci.IImage, ImagePrefetch, CancellationToken, string?)"/> reads while it indexes:
/// a gzip layer can only be read from its start, so anything taken during that pass saves a later one.
/// </summary>
public sealed record ImagePrefetch
{
    /// <summary>Files kept whole, by path and size (configuration, the entrypoint's candidates).</summary>
    public Func<string, long, bool>? Keep { get; init; }

    /// <summary>Files whose loader view (<see cref="ElfReader"/>) is taken in passing; their bytes are not kept (libraries).</summary>
    public Func<string, long, bool>? ParseElf { get; init; }
}
