using System.Globalization;
using Distill.Oci;

namespace Distill.Build;

/// <summary>Resolves <c>USER</c> (<c>name</c>, <c>uid</c>, <c>name:group</c>, <c>uid:gid</c>) through the image's own /etc/passwd and /etc/group.</summary>
public static class ContainerUser
{
    public static (int Uid, int Gid) Resolve(string? user, string rootfs)
    {
        if (string.IsNullOrEmpty(user))
            return (0, 0);
        var parts = user.Split(':', 2);
        var passwd = ReadTable(rootfs, "etc/passwd");
        int uid;
        int? primaryGid = null;
        if (int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var numeric))
        {
            uid = numeric;
            var row = passwd.FirstOrDefault(r => r.Length > 3 && r[2] == parts[0]);
            if (row is not null && int.TryParse(row[3], NumberStyles.None, CultureInfo.InvariantCulture, out var g))
                primaryGid = g;
        }
        else
        {
            var row = passwd.FirstOrDefault(r => r.Length > 3 && r[0] == parts[0])
                ?? throw new InvalidImageException($"user \"{parts[0]}\" is not in the image's /etc/passwd");
            uid = int.Parse(row[2], CultureInfo.InvariantCulture);
            primaryGid = int.Parse(row[3], CultureInfo.InvariantCulture);
        }
        if (parts.Length == 1)
            return (uid, primaryGid ?? 0);
        if (int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var gid))
            return (uid, gid);
        var group = ReadTable(rootfs, "etc/group").FirstOrDefault(r => r.Length > 2 && r[0] == parts[1])
            ?? throw new InvalidImageException($"group \"{parts[1]}\" is not in the image's /etc/group");
        return (uid, int.Parse(group[2], CultureInfo.InvariantCulture));
    }

    private static List<string[]> ReadTable(string rootfs, string relative)
    {
        // read through SafeRoot so a symlinked /etc/passwd cannot point at the host's
        var path = new SafeRoot(rootfs).ResolveFully(relative);
        return File.Exists(path) ? File.ReadAllLines(path).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split(':')).ToList() : [];
    }
}
