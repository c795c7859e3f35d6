using System.CommandLine;
using Distill.Oci;

namespace Distill.Cli.Commands;

/// <summary><c>distill images</c>: the local store's images, as <c>docker images</c> lists them.</summary>
internal static class ImagesCommand
{
    private static readonly string[] Header = ["REPOSITORY", "TAG", "DIGEST", "SIZE"];

    public static Command Create()
    {
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Only print digests" };
        var command = new Command("images", "List images in the local store") { quiet };
        command.SetAction((result, ct) => CommandRunner.RunAsync(() =>
        {
            var store = LocalStore.Default;
            var images = store.List();
            if (result.GetValue(quiet))
            {
                foreach (var (_, manifest) in images)
                    Console.WriteLine(manifest.Digest);
                return Task.FromResult(0);
            }
            var rows = new List<string[]> { Header };
            foreach (var (name, manifest) in images)
            {
                var familiar = name.Familiar;
                var repository = name.Tag is null ? familiar : familiar[..familiar.LastIndexOf(':')];
                rows.Add([repository, name.Tag ?? "<none>", manifest.Digest.Encoded[..12], CommandRunner.HumanSize(SizeOf(store, name))]);
            }
            var widths = Enumerable.Range(0, 4).Select(i => rows.Max(r => r[i].Length)).ToArray();
            foreach (var row in rows)
                Console.WriteLine(string.Join("   ", row.Select((c, i) => i == row.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd());
            return Task.FromResult(0);
        }));
        return command;
    }

    /// <summary>Compressed size: manifest, config and layer blobs.</summary>
    private static long SizeOf(LocalStore store, ImageName name)
    {
        var image = store.Read(name, Platform.LinuxAmd64);
        return image.ManifestDescriptor.Size + image.Manifest.Config.Size + image.Layers.Sum(l => l.Descriptor.Size);
    }
}
