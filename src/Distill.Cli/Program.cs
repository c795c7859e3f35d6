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
            PackCommand.Create(),
            CopyCommand.Create(),
            ImagesCommand.Create(),
            TagCommand.Create(),
            RmiCommand.Create(),
            DockerfileCommand.Create(),
        };
        return await root.Parse(args).InvokeAsync();
    }
}
