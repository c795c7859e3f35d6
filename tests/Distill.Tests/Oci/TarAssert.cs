using Distill.Oci;

namespace Distill.Tests.Oci;

/// <summary>Field-by-field comparison of tar headers, with the entry named in every failure.</summary>
internal static class TarAssert
{
    public static void SameHeader(TarEntryHeader expected, TarEntryHeader actual)
    {
        var what = $"entry \"{expected.Name}\" ({expected.Kind})";
        Assert.True(expected.Name == actual.Name, $"{what}: name read back as \"{actual.Name}\"");
        Assert.True(expected.Kind == actual.Kind, $"{what}: kind read back as {actual.Kind}");
        Assert.True(expected.Mode == actual.Mode, $"{what}: mode {Convert.ToString(expected.Mode, 8)} read back as {Convert.ToString(actual.Mode, 8)}");
        Assert.True(expected.Uid == actual.Uid, $"{what}: uid {expected.Uid} read back as {actual.Uid}");
        Assert.True(expected.Gid == actual.Gid, $"{what}: gid {expected.Gid} read back as {actual.Gid}");
        Assert.True(expected.Size == actual.Size, $"{what}: size {expected.Size} read back as {actual.Size}");
        Assert.True(expected.ModTime == actual.ModTime, $"{what}: mtime {expected.ModTime} read back as {actual.ModTime}");
        Assert.True(expected.LinkName == actual.LinkName, $"{what}: link \"{expected.LinkName}\" read back as \"{actual.LinkName}\"");
        Assert.True(expected.DevMajor == actual.DevMajor && expected.DevMinor == actual.DevMinor,
            $"{what}: device {expected.DevMajor},{expected.DevMinor} read back as {actual.DevMajor},{actual.DevMinor}");
        var expectedXattrs = expected.Xattrs ?? new Dictionary<string, byte[]>();
        var actualXattrs = actual.Xattrs ?? new Dictionary<string, byte[]>();
        Assert.True(expectedXattrs.Count == actualXattrs.Count,
            $"{what}: xattrs [{string.Join(", ", expectedXattrs.Keys)}] read back as [{string.Join(", ", actualXattrs.Keys)}]");
        foreach (var (key, value) in expectedXattrs)
        {
            Assert.True(actualXattrs.TryGetValue(key, out var read), $"{what}: xattr {key} missing");
            Assert.True(value.AsSpan().SequenceEqual(read), $"{what}: xattr {key} = {Convert.ToHexString(value)} read back as {Convert.ToHexString(read!)}");
        }
    }
}
