using System.CommandLine;
using System.Text;
using Distill.Registry;
using Distill.Registry.Credentials;

namespace Distill.Cli.Commands;

/// <summary>
/// <c>distill login REGISTRY [-u USER] [-p PASS | --password-stdin] [--authfile FILE]</c>: stores a credential as
/// podman and skopeo do (<c>$REGISTRY_AUTH_FILE</c>, else <c>$XDG_RUNTIME_DIR/containers/auth.json</c>, or the
/// credential helper that file names). The registry check is the <see cref="IRegistryLoginVerifier"/> given;
/// by default nothing is checked and the output says so.
/// </summary>
internal static class LoginCommand
{
    public static Command Create(IRegistryLoginVerifier? verifier = null)
    {
        verifier ??= StoreOnlyLoginVerifier.Instance;
        var registry = new Argument<string>("REGISTRY") { Description = "Registry host (HOST[:PORT]), or HOST/NAMESPACE for a repository-scoped credential" };
        var username = new Option<string?>("--username", "-u") { Description = "User name (asked for when stdin is a terminal)" };
        var password = new Option<string?>("--password", "-p") { Description = "Password (visible to other processes: prefer --password-stdin)" };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from stdin" };
        var authFile = AuthFileOption();
        var command = new Command("login", "Store a registry credential (auth.json as podman, skopeo and docker read it)")
        {
            registry, username, password, passwordStdin, authFile,
        };
        command.SetAction((result, ct) => CommandRunner.RunAsync(async () =>
        {
            var key = AuthKeys.ParseRegistry(result.GetValue(registry)!);
            var user = result.GetValue(username);
            var pass = result.GetValue(password);
            var fromStdin = result.GetValue(passwordStdin);
            if (pass is not null && fromStdin)
                throw new FormatException("--password and --password-stdin exclude each other");
            var interactive = !Console.IsInputRedirected;
            if (fromStdin && user is null)
                throw new FormatException("--password-stdin needs --username");
            if (user is null)
            {
                if (!interactive)
                    throw new FormatException("no user name: give --username (stdin is not a terminal)");
                await Console.Error.WriteAsync("Username: ");
                user = Console.ReadLine()?.Trim();
            }
            if (pass is not null)
            {
                await Console.Error.WriteLineAsync("distill: warning: a password given with --password is visible to other processes; prefer --password-stdin");
            }
            else if (fromStdin)
            {
                pass = await Console.In.ReadToEndAsync(ct);
                pass = pass.EndsWith('\n') ? pass[..^1] : pass;
                pass = pass.EndsWith('\r') ? pass[..^1] : pass;
            }
            else if (interactive)
            {
                pass = ReadHidden("Password: ");
            }
            else
            {
                throw new FormatException("no password: give --password-stdin or --password (stdin is not a terminal)");
            }
            if (string.IsNullOrEmpty(user))
                throw new FormatException("the user name is empty");
            if (user.Contains(':', StringComparison.Ordinal))
                throw new FormatException("a user name cannot contain ':'");
            if (string.IsNullOrEmpty(pass))
                throw new FormatException("the password is empty");

            var credential = new RegistryCredential(user, pass);
            var verified = await verifier.VerifyAsync(key, credential, ct);
            var store = Store(result.GetValue(authFile));
            var location = await store.StoreAsync(key, credential, ct);
            Console.WriteLine($"Stored credentials for {key} in {location}");
            if (verified)
            {
                Console.WriteLine("Login Succeeded!");
            }
            else
            {
                await Console.Error.WriteLineAsync($"distill: warning: the credentials were not checked against {AuthKeys.HostOf(key)} (no registry check yet)");
            }
            return 0;
        }));
        return command;
    }

    internal static Option<string?> AuthFileOption() =>
        new("--authfile") { Description = "Auth file to use (default: $REGISTRY_AUTH_FILE, else $XDG_RUNTIME_DIR/containers/auth.json)" };

    internal static DockerCredentialStore Store(string? authFile)
    {
        var environment = CredentialEnvironment.FromProcess();
        return new DockerCredentialStore(authFile is { Length: > 0 } ? environment with { RegistryAuthFile = Path.GetFullPath(authFile) } : environment);
    }

    private static string ReadHidden(string prompt)
    {
        Console.Error.Write(prompt);
        var text = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
                break;
            if (key.Key == ConsoleKey.Backspace)
            {
                if (text.Length > 0)
                    text.Length--;
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }
        Console.Error.WriteLine();
        return text.ToString();
    }
}
