using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Distill.Oci;

namespace Distill.Build;

/// <summary>
/// The cache-key hash of what a COPY/ADD reads: length-prefixed fields, so no two different inputs write the same
/// bytes. Modification times are left out (as BuildKit's content checksums do), owners are in only for sources that
/// are not the build context (whose files are always copied as 0:0).
/// </summary>
internal sealed class InputDigest
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public void Add(params string[] fields)
    {
        foreach (var field in fields)
        {
            var bytes = Encoding.UTF8.GetBytes(field);
            _hash.AppendData(BitConverter.GetBytes(bytes.Length));
            _hash.AppendData(bytes);
        }
    }

    /// <summary>Adds an entry (already resolved) and everything below it, as the copy would see it.</summary>
    public void AddTree(CopySourceTree tree, string source, string components, CopyFilter filter, bool skipIncludes)
    {
        var stat = tree.Stat(source);
        if (stat is not { } s)
            return;
        if (components.Length > 0)
        {
            (var copy, skipIncludes) = filter.Decide(components, s.IsDirectory, skipIncludes);
            if (!copy)
                return;
        }
        var owner = tree.IsContext ? "" : string.Create(CultureInfo.InvariantCulture, $"{s.Uid}:{s.Gid}");
        var type = s.FileType.ToString(CultureInfo.InvariantCulture);
        var permissions = s.Permissions.ToString(CultureInfo.InvariantCulture);
        switch (s.FileType)
        {
            case HostFileStat.Directory:
                Add("entry", components, type, permissions, owner);
                foreach (var name in tree.Children(source))
                    AddTree(tree, CopySourceTree.Join(source, name), CopySourceTree.Join(components, name), filter, skipIncludes);
                break;
            case HostFileStat.Regular:
                Add("entry", components, type, permissions, owner, ContentChecksums.Of(tree.HostPath(source), s));
                break;
            case HostFileStat.Symlink:
                Add("entry", components, type, permissions, owner, new FileInfo(tree.HostPath(source)).LinkTarget ?? "");
                break;
            default:
                Add("entry", components, type, permissions, owner, s.RawDevice.ToString(CultureInfo.InvariantCulture));
                break;
        }
    }

    /// <summary>Adds raw bytes (a downloaded file) as one field.</summary>
    public void AddBytes(ReadOnlySpan<byte> bytes)
    {
        _hash.AppendData(BitConverter.GetBytes(bytes.Length));
        _hash.AppendData(bytes);
    }

    public Digest Finish()
    {
        var hex = Convert.ToHexStringLower(_hash.GetHashAndReset());
        _hash.Dispose();
        return Digest.Parse("sha256:" + hex);
    }
}
