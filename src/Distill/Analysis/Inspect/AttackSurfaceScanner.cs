using System.Text.RegularExpressions;
using Distill.Oci;

namespace Distill.Analysis.Inspect;

/// <summary>
/// Finds what an attacker who gets into a container would use, in the final filesystem: shells, package managers,
/// compilers and network tools (an executable regular file by that name, or a symlink or hard link that resolves to
/// one, in a <c>bin</c> or <c>sbin</c> directory or one of the image's PATH — so apt's <c>methods/ftp</c> or
/// <c>/etc/cron.daily/dpkg</c> are not taken for programs), setuid/setgid files, world-writable files and directories
/// (sticky directories such as <c>/tmp</c> excepted, and the device nodes of <c>/dev</c>, which runtimes mount over);
/// root as the default user; and the secret lookalikes of every layer, with whether a later layer removed them
/// (their bytes still ship).
/// </summary>
internal static partial class AttackSurfaceScanner
{
    private static readonly Dictionary<string, AttackSurfaceKind> Programs = Build(
        (AttackSurfaceKind.Shell, ["sh", "bash", "rbash", "dash", "ash", "busybox", "zsh", "ksh", "mksh", "csh", "tcsh", "fish"]),
        (AttackSurfaceKind.PackageManager, ["apt", "apt-get", "dpkg", "apk", "yum", "dnf", "rpm", "microdnf", "pip", "pip3", "gem", "npm"]),
        (AttackSurfaceKind.Compiler, ["gcc", "cc", "g++", "c++", "clang", "clang++", "go", "rustc", "javac"]),
        (AttackSurfaceKind.NetworkTool, ["curl", "wget", "nc", "ncat", "netcat", "socat", "telnet", "ssh", "scp", "sftp", "ftp"]));

    private const int SetuidBit = 0x800;
    private const int SetgidBit = 0x400;
    private const int StickyBit = 0x200;
    private const int OtherWrite = 0x2;

    public static List<AttackSurfaceFinding> Scan(FilesystemTree tree, ContainerConfig? config, IEnumerable<SecretMatch> secrets)
    {
        var findings = new List<AttackSurfaceFinding>();
        var fs = new TreeRootFilesystem(tree);
        var path = SearchPath(config);
        var stack = new Stack<FileNode>(tree.Root.Children.OrderByDescending(c => c.Name, StringComparer.Ordinal));
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            foreach (var child in node.Children.OrderByDescending(c => c.Name, StringComparer.Ordinal))
                stack.Push(child);
            Inspect(node, fs, path, findings);
        }
        if (RootUser(config?.User) is { } why)
            findings.Add(new AttackSurfaceFinding(AttackSurfaceKind.RootUser, null, null, FilePresence.Present, why));
        foreach (var secret in secrets)
        {
            var final = tree.Lookup(secret.Path.TrimStart('/'));
            var presence = final is null ? FilePresence.Deleted : final.Layer == secret.Layer ? FilePresence.Present : FilePresence.Replaced;
            findings.Add(new AttackSurfaceFinding(AttackSurfaceKind.Secret, secret.Path, secret.Layer, presence, secret.Detail));
        }
        return findings;
    }

    /// <summary>Why the default user is root, or null: an empty <c>User</c>, <c>root</c> or uid <c>0</c> (with any group).</summary>
    public static string? RootUser(string? user)
    {
        if (string.IsNullOrWhiteSpace(user))
            return "no USER: runs as root";
        var name = user.Split(':')[0];
        return name is "root" or "0" ? $"USER {user}: runs as root" : null;
    }

    private static void Inspect(FileNode node, TreeRootFilesystem fs, HashSet<string> searchPath, List<AttackSurfaceFinding> findings)
    {
        var path = node.Path;
        if (ProgramKind(node.Name) is { } kind && node.Kind is TarEntryKind.File or TarEntryKind.Symlink or TarEntryKind.Hardlink
            && node.Parent is { } parent && (parent.Name is "bin" or "sbin" || searchPath.Contains(parent.Path)))
        {
            var resolved = RootPath.Resolve(fs, path);
            if (resolved is { Exists: true, Entry: { Kind: TarEntryKind.File, IsExecutable: true } })
            {
                var detail = node.Kind == TarEntryKind.Symlink ? $"symlink to {resolved.Path}" : node.Kind == TarEntryKind.Hardlink ? $"hard link to {node.LinkTarget}" : "";
                var target = resolved.Path[(resolved.Path.LastIndexOf('/') + 1)..];
                if (target == "busybox" && node.Name != "busybox")
                    detail += " (busybox applet)";
                findings.Add(new AttackSurfaceFinding(kind, path, node.Layer, FilePresence.Present, detail));
            }
        }
        var regular = node.Kind == TarEntryKind.File || (node.Kind == TarEntryKind.Hardlink && fs.Lstat(path) is not null);
        if (regular && (node.Mode & (SetuidBit | SetgidBit)) != 0)
        {
            var bits = new List<string>();
            if ((node.Mode & SetuidBit) != 0)
                bits.Add($"setuid uid {node.Uid}");
            if ((node.Mode & SetgidBit) != 0)
                bits.Add($"setgid gid {node.Gid}");
            findings.Add(new AttackSurfaceFinding(AttackSurfaceKind.Setuid, path, node.Layer, FilePresence.Present, string.Join(", ", bits)));
        }
        var device = node.Kind is TarEntryKind.CharDevice or TarEntryKind.BlockDevice && path.StartsWith("/dev/", StringComparison.Ordinal);
        if (node.Kind != TarEntryKind.Symlink && !device && (node.Mode & OtherWrite) != 0 && !(node.IsDirectory && (node.Mode & StickyBit) != 0))
            findings.Add(new AttackSurfaceFinding(AttackSurfaceKind.WorldWritable, path, node.Layer, FilePresence.Present, $"mode {Convert.ToString(node.Mode, 8).PadLeft(4, '0')}{(node.IsDirectory ? " directory" : "")}"));
    }

    /// <summary>The directories of the image's PATH, absolute and clean.</summary>
    private static HashSet<string> SearchPath(ContainerConfig? config)
    {
        var value = config?.Env?.LastOrDefault(e => e.StartsWith("PATH=", StringComparison.Ordinal))?["PATH=".Length..] ?? "";
        return value.Split(':', StringSplitOptions.RemoveEmptyEntries).Select(RootPath.Normalize).ToHashSet(StringComparer.Ordinal);
    }

    private static AttackSurfaceKind? ProgramKind(string name)
    {
        if (Programs.TryGetValue(name, out var kind))
            return kind;
        return VersionedPip().IsMatch(name) ? AttackSurfaceKind.PackageManager : null;
    }

    [GeneratedRegex(@"^pip3\.[0-9]+$")]
    private static partial Regex VersionedPip();

    private static Dictionary<string, AttackSurfaceKind> Build(params (AttackSurfaceKind Kind, string[] Names)[] groups)
    {
        var map = new Dictionary<string, AttackSurfaceKind>(StringComparer.Ordinal);
        foreach (var (kind, names) in groups)
        {
            foreach (var name in names)
                map[name] = kind;
        }
        return map;
    }
}
