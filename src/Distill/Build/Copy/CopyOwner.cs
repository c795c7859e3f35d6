using System.Globalization;

namespace Distill.Build;

/// <summary>
/// <c>--chown=user[:group]</c> as BuildKit's file operation reads it in the destination's /etc/passwd and /etc/group: a
/// numeric user is that uid with the same number as gid (the passwd entry is not consulted); a name takes the uid and
/// primary gid of its passwd entry; a group (number or name) replaces the gid. A name that is not in the files leaves
/// 0 (BuildKit does not fail).
/// </summary>
internal readonly record struct CopyOwner(int Uid, int Gid)
{
    public static CopyOwner Resolve(string chown, string targetRoot)
    {
        var parts = chown.Split(':', 2);
        var uid = 0;
        var gid = 0;
        if (parts[0].Length > 0)
        {
            if (TryId(parts[0], out var id))
            {
                uid = id;
                gid = id;
            }
            else if (Lookup(targetRoot, "etc/passwd", parts[0], 4) is { } row)
            {
                uid = int.Parse(row[2], CultureInfo.InvariantCulture);
                gid = int.Parse(row[3], CultureInfo.InvariantCulture);
            }
        }
        if (parts.Length == 2 && parts[1].Length > 0)
        {
            if (TryId(parts[1], out var id))
                gid = id;
            else if (Lookup(targetRoot, "etc/group", parts[1], 3) is { } row)
                gid = int.Parse(row[2], CultureInfo.InvariantCulture);
        }
        return new CopyOwner(uid, gid);
    }

    private static bool TryId(string text, out int id)
    {
        var ok = uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value <= int.MaxValue;
        id = ok ? (int)value : 0;
        return ok;
    }

    private static string[]? Lookup(string root, string table, string name, int minFields)
    {
        // through SafeRoot: a symlinked /etc/passwd in the target cannot point at the host's
        var path = new SafeRoot(root).ResolveFully(table);
        if (!File.Exists(path))
            return null;
        foreach (var line in File.ReadLines(path))
        {
            var fields = line.Split(':');
            if (fields.Length >= minFields && fields[0] == name
                && fields.Skip(2).Take(minFields - 2).All(f => int.TryParse(f, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
                return fields;
        }
        return null;
    }
}
