using System.CommandLine;
using Distill.Oci;

namespace Distill.Cli.Commands;

/// <summary><c>distill pull NAME</c>: a registry image into the local store (shorthand for <c>copy docker://NAME NAME</c>).</summary>
internal static class PullCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("NAME") { Description = "Image to pull, [HOST/]REPO[:TAG|@DIGEST]" };
        var platform = new Option<string>("--platform") { Description = "Platform to pick from a multi-platform image", DefaultValueFactory = _ => "linux/amd64" };
        var digestFile = new Option<string?>("--digestfile") { Description = "Write the manifest digest to this file" };
        var registry = new RegistryOptions();
        var command = new Command("pull", "Pull an image from a registry into the local store") { name, platform, digestFile };
        registry.AddTo(command);
        command.SetAction((result, ct) => CommandRunner.RunAsync(async () =>
        {
            TransferReporting.Current = new ConsoleTransferProgress();
            var imageName = ImageName.Parse(StripTransport(result.GetValue(name)!));
            var source = new RegistryReference(imageName);
            var target = new StoreReference(imageName with { Digest = null, Tag = imageName.Tag ?? "latest" });
            var options = registry.Create(result, Platform.Parse(result.GetValue(platform)!), source, null);
            var image = await Transports.ReadAsync(source, options, ct);
            var written = await Transports.WriteAsync(image, target, options, ct);
            if (result.GetValue(digestFile) is { } file)
                await BlobFiles.WriteAtomicAsync(file, System.Text.Encoding.UTF8.GetBytes(written.Digest.ToString()), ct);
            Console.WriteLine($"Pulled {imageName.Familiar}");
            Console.WriteLine($"Digest: {written.Digest}");
            return 0;
        }));
        return command;
    }

    internal static string StripTransport(string value) => value.StartsWith("docker://", StringComparison.Ordinal) ? value["docker://".Length..] : value;
}
