using Distill.Analysis;
using Distill.Oci;

namespace Distill.Build;

/// <summary>
/// The layer of a closure copy: the planned directories, symlinks and files, root-owned, with the reproducible mtime.
/// File bytes are read from the source root (one pass per image layer) and staged beside the blobs while the layer is written.
/// </summary>
public static class DependencyLayer
{
    public static async Task<BuiltLayer> BuildAsync(DependencyCopyPlan plan, IRootFilesystem source, LayerBuildOptions options, CancellationToken ct)
    {
        var files = plan.Files.Where(f => f.Kind == TarEntryKind.File).Select(f => f.Source).Distinct(StringComparer.Ordinal).ToList();
        var bytes = await source.ReadFilesAsync(files, LibraryResolver.ElfLimit, ct);
        var staging = Path.Combine(options.StagingDirectory, $"deps-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            var staged = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var file in files)
            {
                if (!bytes.TryGetValue(file, out var data))
                    throw new InvalidImageException($"{file} could not be read from {source.Description}");
                staged[file] = Path.Combine(staging, staged.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                await File.WriteAllBytesAsync(staged[file], data, ct);
            }
            var entries = plan.Files.Select(f => new FileTreeEntry(new TarEntryHeader
            {
                Name = TarEntryHeader.CleanName(f.Path),
                Kind = f.Kind,
                Mode = f.Mode,
                ModTime = Reproducible.ModTime,
                Size = f.Kind == TarEntryKind.File ? bytes[f.Source].Length : 0,
                LinkName = f.Kind == TarEntryKind.Symlink ? f.Source : "",
            }, f.Kind == TarEntryKind.File ? staged[f.Source] : null)).ToList();
            return await LayerBuilder.BuildAsync(entries, options, ct);
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }
}
