using System.CommandLine;
using Distill.Build;
using Distill.Oci;

namespace Distill.Cli.Commands;

/// <summary><c>distill pack DIR --entrypoint PATH</c>: a host-built app into an image, no daemon.</summary>
internal static class PackCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("DIR") { Description = "Directory with the application (e.g. the output of dotnet publish or go build)" };
        var entrypoint = new Option<string>("--entrypoint") { Description = "Program to start, as an image path (absolute, or relative to --app-dir)", Required = true };
        var cmd = new Option<string[]>("--cmd") { Description = "Default arguments (repeat for each)", AllowMultipleArgumentsPerToken = false };
        var env = new Option<string[]>("--env", "-e") { Description = "Environment variable KEY=VALUE (repeatable)" };
        var workdir = new Option<string?>("--workdir", "-w") { Description = "Working directory" };
        var user = new Option<string?>("--user", "-u") { Description = "User (name or UID[:GID])" };
        var label = new Option<string[]>("--label") { Description = "Label KEY=VALUE (repeatable)" };
        var expose = new Option<string[]>("--expose") { Description = "Port to expose, PORT[/tcp|udp] (repeatable)" };
        var baseImage = new Option<string>("--base") { Description = "Base image: scratch, or any image reference", DefaultValueFactory = _ => "scratch" };
        var appDir = new Option<string>("--app-dir") { Description = "Where DIR lands in the image", DefaultValueFactory = _ => "/" };
        var platform = new Option<string>("--platform") { Description = "Platform os/arch[/variant]", DefaultValueFactory = _ => "linux/amd64" };
        var tags = new Option<string[]>("--tag", "-t") { Description = "Name in the local store, NAME[:TAG] (repeatable)" };
        var outputs = new Option<string[]>("--output", "-o") { Description = "Further output: oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:REF] or NAME[:TAG] (repeatable)" };
        var compression = new Option<string>("--compression") { Description = "Layer compression: gzip, zstd or none", DefaultValueFactory = _ => "gzip" };
        var split = new Option<bool>("--split-layers") { Description = "One layer per top-level directory of DIR, then one for the files at its top, so unchanged dependencies are reused" };
        var digestFile = new Option<string?>("--digestfile") { Description = "Write the manifest digest to this file" };
        var withDeps = new Option<bool>("--with-deps") { Description = "Add what the entrypoint needs to start (ELF loader, libraries, ICU/OpenSSL for .NET, NSS modules, CA bundle) as a layer of its own" };
        var depsFrom = new Option<string?>("--deps-from") { Description = "Where --with-deps takes them from: a directory (default: /) or an image reference" };

        var command = new Command("pack", "Package a directory into a distroless image (scratch by default), reproducibly")
        {
            dir, entrypoint, cmd, env, workdir, user, label, expose, baseImage, appDir, platform, tags, outputs, compression, split, digestFile, withDeps, depsFrom,
        };
        command.SetAction((result, ct) => CommandRunner.RunAsync(async () =>
        {
            var store = LocalStore.Default;
            var destinations = new List<ImageReference>();
            foreach (var t in result.GetValue(tags) ?? [])
                destinations.Add(new StoreReference(ImageName.Parse(t)));
            foreach (var o in result.GetValue(outputs) ?? [])
                destinations.Add(ImageReference.Parse(o));
            var entry = result.GetValue(entrypoint)!;
            if (destinations.Count == 0)
                destinations.Add(new StoreReference(ImageName.Parse(DefaultName(entry))));
            // all or nothing: a destination that cannot be written fails the command before any is written
            foreach (var destination in destinations)
                Transports.CheckWritable(destination);
            var baseValue = result.GetValue(baseImage)!;
            var staging = Path.Combine(StagingRoot(destinations[0], store), $".distill-staging-{Guid.NewGuid():N}");
            try
            {
                var options = new PackOptions
                {
                    Directory = result.GetValue(dir)!,
                    Entrypoint = entry,
                    Cmd = result.GetValue(cmd),
                    Env = result.GetValue(env) ?? [],
                    WorkDir = result.GetValue(workdir),
                    User = result.GetValue(user),
                    Labels = result.GetValue(label) ?? [],
                    Expose = result.GetValue(expose) ?? [],
                    Base = baseValue == "scratch" ? null : ImageReference.Parse(baseValue),
                    AppDir = result.GetValue(appDir)!,
                    Platform = Platform.Parse(result.GetValue(platform)!),
                    Compression = LayerStreams.ParseCompression(result.GetValue(compression)!),
                    SplitLayers = result.GetValue(split),
                    WithDependencies = result.GetValue(withDeps),
                    DependenciesFrom = result.GetValue(depsFrom),
                    StagingDirectory = staging,
                };
                var transport = new TransportOptions { Platform = options.Platform, Store = store };
                if (options.DependenciesFrom is not null && !options.WithDependencies)
                    throw new FormatException("--deps-from needs --with-deps");
                var packed = await Packer.PackAsync(options, transport, ct);
                if (packed.Dependencies is { } deps)
                    DependencyListing.Print(deps);
                foreach (var destination in destinations)
                {
                    await Transports.WriteAsync(packed.Image, destination, transport, ct);
                    Console.WriteLine($"Wrote {destination}");
                }
                var digest = packed.Image.ManifestDescriptor.Digest.ToString();
                if (result.GetValue(digestFile) is { } file)
                    await BlobFiles.WriteAtomicAsync(file, System.Text.Encoding.UTF8.GetBytes(digest), ct);
                Console.WriteLine($"Digest: {digest}");
                Console.WriteLine($"Size: {CommandRunner.HumanSize(packed.CompressedSize)} compressed ({packed.CompressedSize} bytes), {CommandRunner.HumanSize(packed.UncompressedSize)} uncompressed ({packed.UncompressedSize} bytes) in {packed.Image.Layers.Count} layer(s)");
                return 0;
            }
            finally
            {
                if (Directory.Exists(staging))
                    Directory.Delete(staging, recursive: true);
            }
        }));
        return command;
    }

    /// <summary>Without -t or -o, the image is named after its entrypoint, as ko names images after the app.</summary>
    private static string DefaultName(string entrypoint)
    {
        var name = new string(Path.GetFileName(entrypoint.TrimEnd('/')).ToLowerInvariant()
            .Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-').ToArray()).Trim('.', '_', '-');
        return (name.Length == 0 ? "app" : name) + ":latest";
    }

    /// <summary>Stage blobs on the file system of the first output, so they can be hard-linked there.</summary>
    private static string StagingRoot(ImageReference first, LocalStore store) => first switch
    {
        StoreReference => store.StagingDirectory,
        OciLayoutReference oci => Path.GetDirectoryName(Path.GetFullPath(oci.Directory))!,
        OciArchiveReference a => Path.GetDirectoryName(Path.GetFullPath(a.File))!,
        DockerArchiveReference d => Path.GetDirectoryName(Path.GetFullPath(d.File))!,
        _ => Path.GetTempPath(),
    };
}
