using System.CommandLine;
using Distill.Registry.Credentials;

namespace Distill.Cli.Commands;

/// <summary>
/// <c>distill logout REGISTRY | --all [--authfile FILE]</c>: removes credentials from the file login writes (and
/// through the credential helper it names), as <c>podman logout</c>.
/// </summary>
internal static class LogoutCommand
{
    public static Command Create()
    {
        var registry = new Argument<string?>("REGISTRY") { Description = "Registry host, or HOST/NAMESPACE", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all", "-a") { Description = "Remove the credentials of every registry in the auth file" };
        var authFile = LoginCommand.AuthFileOption();
        var command = new Command("logout", "Remove stored registry credentials") { registry, all, authFile };
        command.SetAction((result, ct) => CommandRunner.RunAsync(async () =>
        {
            var store = LoginCommand.Store(result.GetValue(authFile));
            var name = result.GetValue(registry);
            if (result.GetValue(all))
            {
                if (name is not null)
                    throw new FormatException("--all takes no registry");
                await store.EraseAllAsync(ct);
                Console.WriteLine("Removed login credentials for all registries");
                return 0;
            }
            if (name is null)
                throw new FormatException("give a registry, or --all");
            var key = AuthKeys.ParseRegistry(name);
            if (!await store.EraseAsync(key, ct))
            {
                var slash = key.IndexOf('/', StringComparison.Ordinal);
                var elsewhere = await store.FindAsync(AuthKeys.HostOf(key), slash < 0 ? null : key[(slash + 1)..], ct);
                throw new CredentialException(elsewhere is null || elsewhere.Source == store.PrimaryAuthFile
                    ? $"not logged into {key} (in {store.PrimaryAuthFile})"
                    : $"not logged into {key} in {store.PrimaryAuthFile}; the credentials found come from {elsewhere.Source}, which logout does not change");
            }
            Console.WriteLine($"Removed login credentials for {key}");
            return 0;
        }));
        return command;
    }
}
