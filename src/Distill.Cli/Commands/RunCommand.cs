using System.CommandLine;
using Distill.Build;
using Distill.Oci;

namespace Distill.Cli.Commands;

/// <summary><c>distill run [-i] [--rm] [-e K=V] IMAGE [ARGS...]</c>: an image under runc (or crun), stdio attached, exit code passed through.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var image = new Argument<string>("IMAGE") { Description = "Image reference (store name, oci:, oci-archive:, docker-archive:, docker://)" };
        var args = new Argument<string[]>("ARGS") { Description = "Command arguments (replace the image's CMD)", Arity = ArgumentArity.ZeroOrMore };
        var interactive = new Option<bool>("--interactive", "-i") { Description = "Keep stdin attached" };
        var remove = new Option<bool>("--rm") { Description = "Remove the container when it exits (always done: containers never outlive the command)" };
        var env = new Option<string[]>("--env", "-e") { Description = "Set an environment variable K=V (or K to take it from here)" };
        var user = new Option<string?>("--user", "-u") { Description = "User to run as" };
        var workdir = new Option<string?>("--workdir", "-w") { Description = "Working directory" };
        var network = new Option<string>("--network") { Description = "none (own loopback only) or host", DefaultValueFactory = _ => "none" };
        var runtime = new Option<string>("--runtime") { Description = "OCI runtime: runc or crun", DefaultValueFactory = _ => "runc" };
        var platform = new Option<string>("--platform") { Description = "Platform to pick from a multi-platform image", DefaultValueFactory = _ => "linux/amd64" };
        var command = new Command("run", "Run an image under an OCI runtime with stdin/stdout attached") { image, args, interactive, remove, env, user, workdir, network, runtime, platform };
        command.SetAction((result, ct) => CommandRunner.RunAsync(async () =>
        {
            var net = result.GetValue(network)!;
            if (net is not ("none" or "host"))
                throw new FormatException($"--network {net}: use none or host");
            var options = new TransportOptions { Platform = Platform.Parse(result.GetValue(platform)!) };
            var loaded = await Transports.ReadAsync(ImageReference.Parse(result.GetValue(image)!), options, ct);
            return await ContainerRunner.RunAsync(loaded, new RunOptions
            {
                Arguments = result.GetValue(args) ?? [],
                Env = result.GetValue(env) ?? [],
                Interactive = result.GetValue(interactive),
                User = result.GetValue(user),
                WorkDir = result.GetValue(workdir),
                HostNetwork = net == "host",
                Runtime = result.GetValue(runtime)!,
            }, ct);
        }));
        return command;
    }
}
