using Distill.Dockerfile;

namespace Distill.Build;

/// <summary>The build context as COPY and RUN --mount see it: the directory and the entries .dockerignore lets through.</summary>
internal sealed class ContextView
{
    private ContextView(string directory, DockerIgnore ignore, IReadOnlySet<string> entries)
    {
        Directory = directory;
        Ignore = ignore;
        Entries = entries;
    }

    public string Directory { get; }
    public DockerIgnore Ignore { get; }
    public IReadOnlySet<string> Entries { get; }

    public CopySource Source => new() { Root = Directory, ContextEntries = Entries, Description = "build context" };

    public static ContextView Load(string directory, string dockerfilePath)
    {
        var ignore = DockerIgnore.Load(directory, dockerfilePath);
        var entries = BuildContext.ListFiles(directory, ignore).Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
        return new ContextView(directory, ignore, entries);
    }
}
