using System.IO.Enumeration;

namespace Distill.Build;

/// <summary>Copies single entries of snapshot trees with their metadata: owner, mode, extended attributes, times.</summary>
internal static class TreeEntryCopy
{
    private static readonly EnumerationOptions AllEntries = new() { AttributesToSkip = 0, IgnoreInaccessible = false, ReturnSpecialDirectories = false };

    /// <summary>The names in a directory (dot files included), in ordinal order.</summary>
    public static List<string> Names(string directory)
    {
        var names = new FileSystemEnumerable<string>(directory, (ref FileSystemEntry e) => e.FileName.ToString(), AllEntries).ToList();
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <summary>
    /// Copies a non-directory (file, symlink, device, fifo) to <paramref name="target"/>, which must not exist. A file's
    /// content is copied (the kernel clones or copies ranges); sockets are skipped (false).
    /// </summary>
    public static bool Copy(string source, string target, TreeStat stat)
    {
        switch (stat.FileType)
        {
            case TreeStat.Regular:
                File.Copy(source, target);
                break;
            case TreeStat.Symlink:
                File.CreateSymbolicLink(target, new FileInfo(source).LinkTarget ?? "");
                break;
            case TreeStat.Directory or TreeStat.Socket:
                return false;
            default:
                TreeNative.MakeNode(target, stat.Mode, stat.RdevMajor, stat.RdevMinor);
                break;
        }
        ApplyMetadata(source, target, stat);
        return true;
    }

    /// <summary>Owner, then mode (chown clears set-id bits), extended attributes (after chown, which drops capabilities), times.</summary>
    public static void ApplyMetadata(string source, string target, TreeStat stat)
    {
        TreeNative.Chown(target, stat.Uid, stat.Gid);
        if (stat.FileType != TreeStat.Symlink)
            TreeNative.Chmod(target, stat.Mode);
        TreeNative.CopyXattrs(source, target);
        TreeNative.SetModTime(target, stat.ModTimeNs);
    }

    /// <summary>A new directory with the owner, mode and extended attributes of <paramref name="source"/> (times are set last, by the caller).</summary>
    public static void CreateDirectory(string source, string target, TreeStat stat)
    {
        Directory.CreateDirectory(target);
        TreeNative.Chown(target, stat.Uid, stat.Gid);
        TreeNative.Chmod(target, stat.Mode);
        TreeNative.CopyXattrs(source, target);
    }
}
