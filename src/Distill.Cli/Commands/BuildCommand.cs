using System.CommandLine;
using System.Text.Json;
using Distill.Build;
using Distill.Oci;

namespace Distill.Cli.Commands;

/// <summary>
/// <c>distill build [CONTEXT] [-f FILE] [-t REF]... [-o DEST]...</c>: a Dockerfile built without a daemon, flags as
/// docker build names them. <c>-t</c> tags the result in the local store; each <c>-o</c> is a further output in any
/// transport. The image is verified before anything is written (<see cref="BuildVerifyOption"/>).
/// </summary>
internal static class BuildCommand
{
    public static Command Create()
    {
        var context = new Argument<string>("CONTEXT") { Description = "Build context directory", Arity = ArgumentArity.ZeroOrOne, DefaultValueFactory = _ => "." };
        var file = new Option<string?>("--file", "-f") { Description = "Dockerfile (default: CONTEXT/Dockerfile)" };
        var tags = new Option<string[]>("--tag", "-t") { Description = "Name the result in the local store, NAME[:TAG] (repeatable)" };
        var outputs = new Option<string[]>("--output", "-o") { Description = "Further output: oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:REF], docker://REF or NAME[:TAG] (repeatable)" };
        var target = new Option<string?>("--target") { Description = "Build this stage (default: the last)" };
        var buildArgs = new Option<string[]>("--build-arg") { Description = "Build argument KEY=VALUE, or KEY to take it from the environment (repeatable)" };
        var secrets = new Option<string[]>("--secret") { Description = "Secret for RUN --mount=type=secret: id=ID,src=FILE or id=ID,env=VAR (repeatable)" };
        var noCache = new Option<bool>("--no-cache") { Description = "Run every step; use no cached result" };
        var platform = new Option<string>("--platform") { Description = "Target platform", DefaultValueFactory = _ => "linux/amd64" };
        var progress = new Option<string>("--progress") { Description = "Progress output: auto, tty, plain or json", DefaultValueFactory = _ => "auto" };
        progress.AcceptOnlyFromAmong([.. BuildProgressPrinter.Modes]);
        var runtime = new Option<string>("--runtime") { Description = "OCI runtime for RUN: runc or crun", DefaultValueFactory = _ => "runc" };
        runtime.AcceptOnlyFromAmong("runc", "crun");
        var network = new Option<string>("--network") { Description = "Network for RUN: default (the host's, as docker build), host or none", DefaultValueFactory = _ => "default" };
        network.AcceptOnlyFromAmong("default", "host", "none");
        var iidFile = new Option<string?>("--iidfile") { Description = "Write the image's manifest digest to this file" };
        var metadataFile = new Option<string?>("--metadata-file") { Description = "Write build result metadata (digests, names) as JSON to this file" };
        var compression = new Option<string>("--compression") { Description = "Layer compression: gzip, zstd or none", DefaultValueFactory = _ => "gzip" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only the image digest" };
        var registry = new RegistryOptions();
        var command = new Command("build", "Build an image from a Dockerfile, without a daemon")
        {
            context, file, tags, outputs, target, buildArgs, secrets, noCache, platform, progress, runtime, network, iidFile, metadataFile, compression, quiet,
        };
        registry.AddTo(command);
        var withDeps = new Option<bool>("--with-deps") { Description = "Add the entrypoint's loader, libraries and runtime loads, taken from the stage the final stage copies it from" };
        command.Options.Add(withDeps);
        var verify = BuildVerifyOption.Create();
        command.Options.Add(verify);
        command.SetAction((result, ct) => CommandRunner.RunAsync(async () =>
        {
            var destinations = new List<ImageReference>();
            var names = new List<string>();
            foreach (var t in result.GetValue(tags) ?? [])
            {
                var name = ImageName.Parse(t);
                destinations.Add(new StoreReference(name));
                names.Add(name.ToString());
            }
            foreach (var o in result.GetValue(outputs) ?? [])
                destinations.Add(ImageReference.Parse(o));
            foreach (var destination in destinations)
                Transports.CheckWritable(destination);
            var targetPlatform = Platform.Parse(result.GetValue(platform)!);
            var transport = registry.Create(result, targetPlatform, null, destinations.OfType<RegistryReference>().FirstOrDefault());
            var parsedBuildArgs = ParseBuildArgs(result.GetValue(buildArgs) ?? []);
            var parsedSecrets = ParseSecrets(result.GetValue(secrets) ?? []);
            var layerCompression = LayerStreams.ParseCompression(result.GetValue(compression)!);
            // made last, just before the build: the live view starts drawing at once
            var printer = result.GetValue(quiet) ? NullBuildProgress.Instance : BuildProgressPrinter.For(result.GetValue(progress)!, Console.Error);
            var options = new BuildOptions
            {
                ContextDirectory = result.GetValue(context)!,
                DockerfilePath = result.GetValue(file),
                Target = result.GetValue(target),
                BuildArgs = parsedBuildArgs,
                Secrets = parsedSecrets,
                NoCache = result.GetValue(noCache),
                Platform = targetPlatform,
                Runtime = result.GetValue(runtime)!,
                HostNetwork = result.GetValue(network) != "none",
                Compression = layerCompression,
                Progress = printer,
                Transport = transport,
                WithDependencies = result.GetValue(withDeps),
                Verify = BuildVerifyOption.Mode(result.GetValue(verify)!),
            };
            BuildResult built;
            // held until the image is written: its layers are blobs of the build cache, which a prune must not remove before
            using var cacheLock = await BuildCacheLock.AcquireSharedAsync(transport.Store.Root, () => Console.Error.WriteLine(BuildCacheLock.WaitingMessage), ct);
            try
            {
                try
                {
                    built = await BuildExecutor.BuildAsync(options, ct);
                }
                finally
                {
                    // the live view ends (its last frame stays) before anything else is written to the terminal
                    (printer as IDisposable)?.Dispose();
                }
            }
            catch (BuildException e) when (e.OutputTail.Count > 0)
            {
                foreach (var line in e.OutputTail)
                    await Console.Error.WriteLineAsync($"  > {line}");
                throw;
            }
            if (built.Dependencies is { } deps && !result.GetValue(quiet))
                DependencyListing.Print(deps);
            foreach (var destination in destinations)
            {
                await Transports.WriteAsync(built.Image, destination, transport, ct);
                if (!result.GetValue(quiet))
                    Console.WriteLine($"Wrote {destination}");
            }
            var digest = built.Image.ManifestDescriptor.Digest.ToString();
            if (result.GetValue(iidFile) is { } iid)
                await BlobFiles.WriteAtomicAsync(iid, System.Text.Encoding.UTF8.GetBytes(digest), ct);
            if (result.GetValue(metadataFile) is { } metadata)
                await BlobFiles.WriteAtomicAsync(metadata, Metadata(built, names), ct);
            if (result.GetValue(quiet))
                Console.WriteLine(digest);
            else
                Console.WriteLine($"Digest: {digest} ({built.StepsRun} steps run, {built.StepsCached} cached)");
            return 0;
        }));
        return command;
    }

    private static byte[] Metadata(BuildResult built, IReadOnlyList<string> names)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("containerimage.digest", built.Image.ManifestDescriptor.Digest.ToString());
            writer.WriteString("containerimage.config.digest", built.Image.Manifest.Config.Digest.ToString());
            writer.WriteStartObject("containerimage.descriptor");
            writer.WriteString("mediaType", built.Image.ManifestDescriptor.MediaType);
            writer.WriteString("digest", built.Image.ManifestDescriptor.Digest.ToString());
            writer.WriteNumber("size", built.Image.ManifestDescriptor.Size);
            writer.WriteEndObject();
            if (names.Count > 0)
                writer.WriteString("image.name", string.Join(',', names));
            writer.WriteNumber("distill.steps.run", built.StepsRun);
            writer.WriteNumber("distill.steps.cached", built.StepsCached);
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    internal static Dictionary<string, string> ParseBuildArgs(IEnumerable<string> values)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            var eq = value.IndexOf('=', StringComparison.Ordinal);
            if (eq == 0)
                throw new FormatException($"--build-arg {value}: the name is empty");
            if (eq < 0)
            {
                // docker build: KEY alone takes the value from the environment, and is dropped when unset
                if (Environment.GetEnvironmentVariable(value) is { } fromEnv)
                    map[value] = fromEnv;
                continue;
            }
            map[value[..eq]] = value[(eq + 1)..];
        }
        return map;
    }

    internal static Dictionary<string, BuildSecret> ParseSecrets(IEnumerable<string> values)
    {
        var map = new Dictionary<string, BuildSecret>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            string? id = null, src = null, env = null;
            foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = part.IndexOf('=', StringComparison.Ordinal);
                var key = eq < 0 ? part : part[..eq];
                var v = eq < 0 ? "" : part[(eq + 1)..];
                switch (key)
                {
                    case "id": id = v; break;
                    case "src" or "source": src = v; break;
                    case "env": env = v; break;
                    case "type" when v is "file" or "env": break;
                    default: throw new FormatException($"--secret {value}: unexpected key '{key}' (use id=ID,src=FILE or id=ID,env=VAR)");
                }
            }
            id ??= src is not null ? Path.GetFileName(src) : env;
            if (id is null || (src is null && env is null))
                throw new FormatException($"--secret {value}: give id=ID and src=FILE or env=VAR");
            if (src is not null && !File.Exists(src))
                throw new FormatException($"--secret {value}: file {src} does not exist");
            map[id] = new BuildSecret(src is null ? null : Path.GetFullPath(src), src is null ? env : null);
        }
        return map;
    }
}
