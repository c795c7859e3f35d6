using System.CommandLine;
using Distill.Cli.Commands;

namespace Distill.Cli;

/// <summary>The composition root: one command per file, each a thin layer over the library.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("Distill: build, check and explain distroless container images, without a daemon.")
        {
            BuildCommand.Create(),
            PackCommand.Create(),
            CopyCommand.Create(),
            PullCommand.Create(),
            PushCommand.Create(),
            RunCommand.Create(),
            ImagesCommand.Create(),
            TagCommand.Create(),
            RmiCommand.Create(),
            BuilderCommand.Create(),
            DockerfileCommand.Create(),
            LintCommand.Create(),
            VerifyCommand.Create(),
            InspectCommand.Create(),
            SbomCommand.Create(),
            CompareCommand.Create(),
            ReportCommand.Create(),
            LoginCommand.Create(new Distill.Registry.RegistryLoginVerifier(() => Distill.Registry.Configuration.RegistriesConf.Load(null))),
            LogoutCommand.Create(),
        };
        var parsed = root.Parse(args);
        // lint's, verify's and inspect's usage errors exit 2 (1 means findings or failed gates)
        if (parsed.Errors.Count > 0 && parsed.CommandResult.Command.Name is "lint" or "verify" or "inspect")
        {
            foreach (var error in parsed.Errors)
                await Console.Error.WriteLineAsync($"distill: error: {error.Message}");
            return LintCommand.UsageError;
        }
        // SIGINT and SIGTERM cancel the command's token (System.CommandLine does not unless given a timeout), so a build
        // stopped midway kills its RUN container and unmounts its snapshots; after the timeout the process exits anyway
        return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(15) });
    }
}
