using System.Globalization;
using Distill.Dockerfile;

namespace Distill.Build;

internal sealed partial class StageBuilder
{
    /// <summary>
    /// COPY/ADD: words expanded, the source chosen (context, heredocs, an earlier stage or an image), the cache key
    /// from the content of what is read (from the context) or the source stage's key, then <see cref="FileCopier"/>
    /// writes through the overlay.
    /// </summary>
    private async Task CopyAsync(CopyInstruction copy, CancellationToken ct)
    {
        _stepIndex++;
        var flags = copy.Flags;
        var heredocs = copy.Node.Heredocs;
        var sources = copy.Sources.Select(s => heredocs.Any(h => IsHeredocWord(s, h.Name)) ? s : Expand(s)).ToList();
        var request = new CopyRequest
        {
            Sources = sources,
            Destination = Expand(copy.Destination),
            WorkingDir = string.IsNullOrEmpty(_config.Config?.WorkingDir) ? "/" : _config.Config!.WorkingDir!,
            IsAdd = copy.IsAdd,
            Chown = flags.Chown is null ? null : Expand(flags.Chown),
            Chmod = flags.Chmod is null ? null : Expand(flags.Chmod),
            Parents = flags.Parents,
            Excludes = flags.Excludes.Select(Expand).ToList(),
            Checksum = flags.Checksum is null ? null : Expand(flags.Checksum),
            Unpack = flags.Unpack,
            KeepGitDir = flags.KeepGitDir,
            Link = flags.Link,
            Location = Location(copy),
        };
        var flagText = string.Concat(
            flags.From is null ? "" : $"--from={flags.From} ",
            flags.Chown is null ? "" : $"--chown={request.Chown} ",
            flags.Chmod is null ? "" : $"--chmod={request.Chmod} ",
            flags.Link ? "--link " : "",
            flags.Parents ? "--parents " : "");
        var text = $"{copy.Keyword} {flagText}{string.Join(' ', sources)} {request.Destination}";
        var requestKey = string.Join('\n', [.. sources, "\0", request.Destination, request.WorkingDir, request.Chown, request.Chmod,
            request.Parents.ToString(), .. request.Excludes, "\0", request.Checksum, request.Unpack?.ToString(), request.KeepGitDir.ToString(), copy.Keyword]);

        string key;
        Func<string, Workspace, Task> action;
        if (sources.Any(s => heredocs.Any(h => IsHeredocWord(s, h.Name))))
        {
            if (flags.From is not null || !sources.All(s => heredocs.Any(h => IsHeredocWord(s, h.Name))))
                throw new BuildException($"{Location(copy)}: {copy.Keyword}: heredoc sources cannot be mixed with files or --from");
            var files = heredocs.Select(h => (h.Name, Content: h.Expand ? Expand(h.Content) : h.Content)).ToList();
            var contentKey = string.Join('\0', files.Select(f => f.Name + "\0" + f.Content));
            key = CacheKey.Of(_key, "COPY-HEREDOC", requestKey, contentKey, PendingWorkdirKey);
            action = async (rootfs, work) =>
            {
                var dir = work.Sub("heredocs");
                foreach (var (name, content) in files)
                {
                    await File.WriteAllTextAsync(Path.Combine(dir, name), content, ct);
                    File.SetUnixFileMode(Path.Combine(dir, name), (UnixFileMode)0x1a4);
                }
                var source = new CopySource { Root = dir, ContextEntries = files.Select(f => f.Name).ToHashSet(StringComparer.Ordinal), Description = "heredoc" };
                await FileCopier.CopyAsync(request with { Sources = files.Select(f => f.Name).ToList() }, source, rootfs, _build.Http, ct);
            };
        }
        else if (flags.From is not null)
        {
            var from = Expand(flags.From);
            var (layers, fromKey, description) = await FromLayersAsync(from, copy, ct);
            key = CacheKey.Of(_key, copy.Keyword, requestKey, fromKey, PendingWorkdirKey);
            action = async (rootfs, work) =>
            {
                var view = await _build.MountReadOnlyAsync(layers, work, "from", ct);
                await FileCopier.CopyAsync(request, new CopySource { Root = view, Description = description }, rootfs, _build.Http, ct);
            };
        }
        else
        {
            var source = _build.Context.Source;
            var inputs = await FileCopier.DigestInputsAsync(request, source, _build.Http, ct);
            key = CacheKey.Of(_key, copy.Keyword, requestKey, inputs.ToString(), PendingWorkdirKey);
            action = (rootfs, _) => FileCopier.CopyAsync(request, source, rootfs, _build.Http, ct);
        }
        await LayerStepAsync(copy, text, key, action, ct);
    }

    private static bool IsHeredocWord(string word, string name) =>
        word.StartsWith("<<", StringComparison.Ordinal) && word[2..].TrimStart('-').Trim('"', '\'') == name;
}
