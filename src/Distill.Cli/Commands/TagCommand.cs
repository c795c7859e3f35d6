using System.CommandLine;
using Distill.Oci;

namespace Distill.Cli.Commands;

/// <summary><c>distill tag SRC DST</c>: another name for an image in the local store.</summary>
internal static class TagCommand
{
    public static Command Create()
    {
        var source = new Argument<string>("SRC") { Description = "Image in the local store, NAME[:TAG]" };
        var target = new Argument<string>("DST") { Description = "New name, NAME[:TAG]" };
        var command = new Command("tag", "Give an image in the local store another name") { source, target };
        command.SetAction((result, ct) => CommandRunner.RunAsync(async () =>
        {
            await LocalStore.Default.TagAsync(ImageName.Parse(result.GetValue(source)!), ImageName.Parse(result.GetValue(target)!), ct);
            return 0;
        }));
        return command;
    }
}
