using System.CommandLine;
using Distill.Oci;

namespace Distill.Cli.Commands;

/// <summary><c>distill copy SRC DEST</c>: an image from any transport to any other, as <c>skopeo copy</c>.</summary>
internal static class CopyCommand
{
    public static Command Create()
    {
        var source = new Argument<string>("SRC") { Description = "Source image reference" };
        var destination = new Argument<string>("DEST") { Description = "Destination image reference" };
        var platform = new Option<string>("--platform") { Description = "Platform to pick from a multi-platform image", DefaultValueFactory = _ => "linux/amd64" };
        var digestFile = new Option<string?>("--digestfile") { Description = "Write the manifest digest to this file" };
        var all = new Option<bool>("--all", "-a") { Description = "Copy every platform of a multi-platform image (the whole index), as skopeo copy --all" };
        var registry = new RegistryOptions();
        var command = new Command("copy", "Copy an image between docker://, oci:, oci-archive:, docker-archive: and the local store") { source, destination, platform, digestFile, all };
        registry.AddTo(command);
        command.SetAction((result, ct) => CommandRunner.RunAsync(async () =>
        {
            TransferReporting.Current = new ConsoleTransferProgress();
            var src = ImageReference.Parse(result.GetValue(source)!);
            var dest = ImageReference.Parse(result.GetValue(destination)!);
            var options = registry.Create(result, Platform.Parse(result.GetValue(platform)!), src, dest);
            Transports.CheckWritable(dest);
            var multi = result.GetValue(all) ? await Transports.ReadMultiAsync(src, options, ct) : null;
            var written = multi is not null
                ? await Transports.WriteMultiAsync(multi, dest, options, ct)
                : await Transports.WriteAsync(await Transports.ReadAsync(src, options, ct), dest, options, ct);
            if (result.GetValue(digestFile) is { } file)
                await BlobFiles.WriteAtomicAsync(file, System.Text.Encoding.UTF8.GetBytes(written.Digest.ToString()), ct);
            Console.WriteLine($"Copied {src} to {dest}");
            Console.WriteLine($"Digest: {written.Digest}");
            return 0;
        }));
        return command;
    }
}
