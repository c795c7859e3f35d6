using System.Text;

namespace Distill.Analysis;

/// <summary>
/// The image's USER (<c>name</c>, <c>uid</c>, <c>name:group</c>, <c>uid:gid</c>): a name must exist in the image's
/// <c>/etc/passwd</c> (a group name in <c>/etc/group</c>), as runc resolves it at start; numeric ids need nothing.
/// </summary>
public static class UserCheck
{
    public static async Task<IReadOnlyList<VerifyFinding>> RunAsync(IRootFilesystem fs, string? user, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(user))
            return [];
        var findings = new List<VerifyFinding>();
        var colon = user.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? user : user[..colon];
        var group = colon < 0 ? null : user[(colon + 1)..];
        if (name.Length > 0 && !IsNumeric(name) && !await HasNameAsync(fs, "/etc/passwd", name, ct))
            findings.Add(new VerifyFinding(VerifyRules.UnknownUser, VerifySeverity.Error, $"USER {user}: no user \"{name}\" in /etc/passwd", "/etc/passwd"));
        if (group is { Length: > 0 } && !IsNumeric(group) && !await HasNameAsync(fs, "/etc/group", group, ct))
            findings.Add(new VerifyFinding(VerifyRules.UnknownGroup, VerifySeverity.Error, $"USER {user}: no group \"{group}\" in /etc/group", "/etc/group"));
        return findings;
    }

    /// <summary>The files <see cref="RunAsync"/> reads (worth reading while indexing an image).</summary>
    public static bool IsAccountFile(string path) => path is "/etc/passwd" or "/etc/group";

    private static bool IsNumeric(string value) => value.All(char.IsAsciiDigit);

    private static async Task<bool> HasNameAsync(IRootFilesystem fs, string file, string name, CancellationToken ct)
    {
        var bytes = await RootPath.ReadFileAsync(fs, file, LoaderConfiguration.ConfigurationLimit, ct);
        return bytes is not null && Encoding.UTF8.GetString(bytes).Split('\n').Any(line => line.Split(':')[0] == name);
    }
}
