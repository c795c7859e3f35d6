using System.Runtime.InteropServices;
using Distill.Oci;

namespace Distill.Build;

/// <summary>
/// Paths inside a root directory that can never lead outside it: every component is resolved as the kernel would
/// inside a chroot — symlinks (absolute or relative) are followed within the root, <c>..</c> stops at the root — so a
/// hostile layer's <c>../</c> names, escaping symlinks or hardlinks cannot write or link anything outside.
/// </summary>
public sealed partial class SafeRoot(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>The host path of <paramref name="imagePath"/>'s parent, resolved inside the root, joined with its last name (which is not followed).</summary>
    public string Resolve(string imagePath)
    {
        var parts = TarEntryHeader.CleanName(imagePath).Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
            return Root;
        var parent = ResolveComponents(parts[..^1], 0);
        var last = parts[^1];
        if (last == "..")
            return Path.GetDirectoryName(parent) is { } up && up.StartsWith(Root, StringComparison.Ordinal) ? up : Root;
        return Path.Combine(parent, last);
    }

    /// <summary>Resolves every component, symlinks included (for hardlink targets).</summary>
    public string ResolveFully(string imagePath) =>
        ResolveComponents(TarEntryHeader.CleanName(imagePath).Split('/', StringSplitOptions.RemoveEmptyEntries), 0);

    private string ResolveComponents(IEnumerable<string> components, int depth)
    {
        if (depth > 40)
            throw new InvalidImageException("too many levels of symbolic links in a layer path");
        var current = Root;
        foreach (var part in components)
        {
            if (part is "." or "")
                continue;
            if (part == "..")
            {
                current = current == Root ? Root : Path.GetDirectoryName(current)!;
                continue;
            }
            var next = Path.Combine(current, part);
            var info = new FileInfo(next);
            if (info.Exists || Directory.Exists(next) || info.LinkTarget is not null)
            {
                var target = info.LinkTarget;
                if (target is not null)
                {
                    // follow the link inside the root: absolute targets start at the root, relative ones at the link's directory
                    var relativeBase = target.StartsWith('/') ? "" : Path.GetRelativePath(Root, current);
                    var combined = target.StartsWith('/') ? target : (relativeBase == "." ? target : relativeBase + "/" + target);
                    current = ResolveComponents(combined.Split('/', StringSplitOptions.RemoveEmptyEntries), depth + 1);
                    continue;
                }
            }
            current = next;
        }
        return current;
    }

    [LibraryImport("libc", EntryPoint = "lchown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int LChown(string path, int owner, int group);
}
