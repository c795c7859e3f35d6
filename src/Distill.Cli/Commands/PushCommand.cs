using System.CommandLine;
using Distill.Oci;

namespace Distill.Cli.Commands;

/// <summary><c>distill push NAME [DEST]</c>: an image from the local store to a registry (shorthand for <c>copy NAME docker://DEST</c>).</summary>
internal static class PushCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("NAME") { Description = "Image in the local store" };
        var destination = new Argument<string?>("DEST") { Description = "Where to push, [docker://]HOST/REPO[:TAG] (default: NAME)", Arity = ArgumentArity.ZeroOrOne };
        var digestFile = new Option<string?>("--digestfile") { Description = "Write the manifest digest to this file" };
        var registry = new RegistryOptions();
        var command = new Command("push", "Push an image from the local store to a registry") { name, destination, digestFile };
        registry.AddTo(command);
        command.SetAction((result, ct) => CommandRunner.RunAsync(async () =>
        {
            TransferReporting.Current = new ConsoleTransferProgress();
            var source = new StoreReference(ImageName.Parse(result.GetValue(name)!));
            var target = new RegistryReference(ImageName.Parse(PullCommand.StripTransport(result.GetValue(destination) ?? result.GetValue(name)!)));
            var options = registry.Create(result, Platform.LinuxAmd64, null, target);
            if (!options.Store.Contains(source.Name))
                throw new InvalidImageException($"{source.Name.Familiar}: no such image in the local store");
            var image = await Transports.ReadAsync(source, options, ct);
            var written = await Transports.WriteAsync(image, target, options, ct);
            if (result.GetValue(digestFile) is { } file)
                await BlobFiles.WriteAtomicAsync(file, System.Text.Encoding.UTF8.GetBytes(written.Digest.ToString()), ct);
            Console.WriteLine($"Pushed {target.Name.Familiar}");
            Console.WriteLine($"Digest: {written.Digest}");
            return 0;
        }));
        return command;
    }
}
