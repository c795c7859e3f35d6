using Distill.Oci;

namespace Distill.Tests.Support;

/// <summary>
/// Random images for tests of whatever takes an <see cref="IImage"/>: random files, directories and symlinks in each
/// layer, written through <see cref="LayerBuilder"/> into <paramref name="staging"/>. Same seed, same image.
/// </summary>
public static class RandomImage
{
    public static async Task<IImage> CreateAsync(string staging, int seed, int layers = 2, LayerCompression compression = LayerCompression.Gzip,
        bool docker = false, CancellationToken ct = default)
    {
        var random = new Random(seed);
        var built = new List<ILayer>();
        var history = new List<HistoryEntry>();
        for (var i = 0; i < layers; i++)
        {
            var entries = RandomEntries(random, Path.Combine(staging, $"src-{i}"), $"layer{i}");
            var layer = await LayerBuilder.BuildAsync(entries, new LayerBuildOptions { StagingDirectory = staging, Compression = compression, Docker = docker }, ct);
            built.Add(layer.Layer);
            history.Add(new HistoryEntry { Created = "2024-01-02T03:04:05Z", CreatedBy = $"random layer {i}" });
        }
        var config = ImageConfig.Empty(Platform.LinuxAmd64) with
        {
            Created = "2024-01-02T03:04:05Z",
            Config = new ContainerConfig { Entrypoint = ["/layer0/bin"], Env = ["PATH=/usr/bin", $"SEED={seed}"], WorkingDir = "/" },
            History = history,
        };
        return Image.Create(config, built, new ImageOptions { Docker = docker });
    }

    private static List<FileTreeEntry> RandomEntries(Random random, string sourceDir, string top)
    {
        Directory.CreateDirectory(sourceDir);
        var entries = new List<FileTreeEntry> { new(new TarEntryHeader { Name = top, Kind = TarEntryKind.Directory, Mode = 0x1ed }, null) };
        var files = random.Next(1, 6);
        for (var f = 0; f < files; f++)
        {
            var data = new byte[random.Next(0, 64 * 1024)];
            random.NextBytes(data);
            var source = Path.Combine(sourceDir, $"f{f}");
            File.WriteAllBytes(source, data);
            var header = new TarEntryHeader { Name = $"{top}/file{f}", Kind = TarEntryKind.File, Mode = 0x1a4 | random.Next(0, 2) * 0x49, Size = data.Length };
            entries.Add(new FileTreeEntry(header, source));
        }
        entries.Add(new FileTreeEntry(new TarEntryHeader { Name = $"{top}/bin", Kind = TarEntryKind.Symlink, Mode = 0x1ff, LinkName = "file0" }, null));
        return entries;
    }
}
