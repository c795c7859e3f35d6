using System.CommandLine;
using Distill.Oci;

namespace Distill.Cli.Commands;

/// <summary><c>distill rmi REF...</c>: remove names from the local store; blobs no name uses are deleted.</summary>
internal static class RmiCommand
{
    public static Command Create()
    {
        var names = new Argument<string[]>("REF") { Description = "Image names in the local store", Arity = ArgumentArity.OneOrMore };
        var command = new Command("rmi", "Remove images from the local store") { names };
        command.SetAction((result, ct) => CommandRunner.RunAsync(async () =>
        {
            foreach (var name in result.GetValue(names)!)
            {
                var parsed = ImageName.Parse(name);
                var digest = await LocalStore.Default.RemoveAsync(parsed, ct);
                Console.WriteLine($"Untagged: {parsed.Familiar}");
                Console.WriteLine($"Deleted: {digest}");
            }
            return 0;
        }));
        return command;
    }
}
