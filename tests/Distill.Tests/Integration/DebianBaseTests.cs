using System.Text;
using Distill.Oci;
using Distill.Tests.Support;

namespace Distill.Tests.Integration;

/// <summary>
/// The cached Debian base image (tests/fixtures/debian-base.sh) reads with Distill and is a real Debian filesystem:
/// tools, users, and the ownership, modes, links and devices that debootstrap made survive the packing.
/// </summary>
public sealed class DebianBaseTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static int Octal(string mode) => Convert.ToInt32(mode, 8);

    [Fact]
    public async Task The_cached_debian_base_reads_with_distill_and_keeps_ownership_modes_and_links()
    {
        using var temp = new TempDir();
        var image = await Transports.ReadAsync(new OciLayoutReference(DebianBase.Path, DebianBase.Tag),
            new TransportOptions { Store = new LocalStore(temp["store"]) }, Ct);
        Assert.Equal("amd64", image.Config.Architecture);
        Assert.Equal("linux", image.Config.Os);
        Assert.Equal(["/bin/bash"], image.Config.Config?.Cmd);

        var entries = new Dictionary<string, TarEntryHeader>(StringComparer.Ordinal);
        string? passwd = null;
        await ImageFilesystem.WalkAsync(image, async (entry, data, ct) =>
        {
            entries[entry.Header.Name] = entry.Header;
            if (entry.Header.Name == "etc/passwd" && data is not null)
            {
                using var reader = new StreamReader(data, Encoding.UTF8, leaveOpen: true);
                passwd = await reader.ReadToEndAsync(ct);
            }
        }, Ct);

        // merged /usr: /bin is a symlink to usr/bin
        Assert.Equal(TarEntryKind.Symlink, entries["bin"].Kind);
        Assert.Equal("usr/bin", entries["bin"].LinkName);
        Assert.Equal(TarEntryKind.Symlink, entries["usr/bin/sh"].Kind);
        Assert.Equal("dash", entries["usr/bin/sh"].LinkName);
        Assert.Equal(TarEntryKind.File, entries["usr/bin/dash"].Kind);
        Assert.Equal(TarEntryKind.File, entries["usr/bin/apt-get"].Kind);
        Assert.Equal(Octal("0755"), entries["usr/bin/apt-get"].Mode);

        Assert.NotNull(passwd);
        Assert.StartsWith("root:x:0:0:", passwd, StringComparison.Ordinal);

        // owned by a group other than root, setgid: /var/mail is root:mail (gid 8) 2775
        Assert.Equal(TarEntryKind.Directory, entries["var/mail"].Kind);
        Assert.Equal(0, entries["var/mail"].Uid);
        Assert.Equal(8, entries["var/mail"].Gid);
        Assert.Equal(Octal("02775"), entries["var/mail"].Mode);
        // setuid root
        Assert.Equal(Octal("04755"), entries["usr/bin/passwd"].Mode);
        // /etc/shadow is root:shadow (gid 42) 0640
        Assert.Equal(42, entries["etc/shadow"].Gid);
        Assert.Equal(Octal("0640"), entries["etc/shadow"].Mode);

        // hardlinks and device files stay what they are
        Assert.Contains(entries.Values, e => e.Kind == TarEntryKind.Hardlink);
        Assert.Equal(TarEntryKind.CharDevice, entries["dev/null"].Kind);
        Assert.Equal((1, 3), (entries["dev/null"].DevMajor, entries["dev/null"].DevMinor));

        // the script removed downloaded packages and package lists
        Assert.DoesNotContain(entries.Keys, k => k.StartsWith("var/cache/apt/archives/", StringComparison.Ordinal) && k.EndsWith(".deb", StringComparison.Ordinal));
        Assert.DoesNotContain(entries.Keys, k => k.StartsWith("var/lib/apt/lists/", StringComparison.Ordinal) && k != "var/lib/apt/lists/partial");
    }
}
