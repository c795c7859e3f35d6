using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Analysis.Inspect;

/// <summary>Hand-made images for inspect's tests: each layer a list of tar entries (whiteouts as <c>.wh.NAME</c> files), gzip-compressed.</summary>
internal static class CraftedImage
{
    public static (TarEntryHeader, byte[]?) File(string name, int size, int mode = 0x1a4) =>
        (new TarEntryHeader { Name = name, Kind = TarEntryKind.File, Mode = mode, Size = size }, Enumerable.Repeat((byte)'x', size).ToArray());

    public static (TarEntryHeader, byte[]?) Text(string name, string content, int mode = 0x1a4) => TarBytes.File(name, content, mode);

    public static (TarEntryHeader, byte[]?) Directory(string name, int mode = 0x1ed) => TarBytes.Directory(name, mode);

    public static (TarEntryHeader, byte[]?) Whiteout(string removed)
    {
        var slash = removed.LastIndexOf('/');
        var name = slash < 0 ? $".wh.{removed}" : $"{removed[..slash]}/.wh.{removed[(slash + 1)..]}";
        return (new TarEntryHeader { Name = name, Kind = TarEntryKind.File, Mode = 0x1a4 }, []);
    }

    public static (TarEntryHeader, byte[]?) Symlink(string name, string target) =>
        (new TarEntryHeader { Name = name, Kind = TarEntryKind.Symlink, Mode = 0x1ff, LinkName = target }, null);

    public static async Task<IImage> CreateAsync(ContainerConfig? config, IReadOnlyList<HistoryEntry>? history, params IEnumerable<(TarEntryHeader, byte[]?)>[] layers)
    {
        var built = new List<ILayer>();
        foreach (var entries in layers)
            built.Add(await InMemoryLayer.FromEntriesAsync(entries, LayerCompression.Gzip));
        var imageConfig = ImageConfig.Empty(Platform.LinuxAmd64) with
        {
            Created = "2024-01-02T03:04:05Z",
            Config = config ?? new ContainerConfig { User = "65532" },
            History = history ?? layers.Select((_, i) => new HistoryEntry { CreatedBy = $"layer {i}" }).ToList(),
        };
        return Image.Create(imageConfig, built);
    }
}
