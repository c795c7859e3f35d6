using Distill.Tests.Support;

namespace Distill.Tests.Integration;

/// <summary>
/// The fixture the seed build stands on: with the mirror's registries.conf, the short name <c>ubuntu</c> (that is,
/// <c>docker.io/library/ubuntu:latest</c>) is pulled from the loopback registry, and it is the Debian base.
/// </summary>
public sealed class UbuntuMirrorTests(UbuntuMirror mirror) : IClassFixture<UbuntuMirror>
{
    [Fact]
    public async Task Ubuntu_resolves_through_the_loopback_mirror()
    {
        using var sandbox = new CliSandbox();
        var pulled = await sandbox.DigestOfAsync(["pull", "ubuntu", "--registries-conf", mirror.RegistriesConf]);
        Assert.Equal(mirror.Digest, pulled);

        // the same image under its full name, and it is the debootstrap base (its manifest, byte for byte)
        var full = await sandbox.DigestOfAsync(["pull", "docker.io/library/ubuntu:latest", "--registries-conf", mirror.RegistriesConf]);
        Assert.Equal(mirror.Digest, full);
        var base_ = await sandbox.ReadLayoutAsync(DebianBase.Path, DebianBase.Tag);
        Assert.Equal(base_.ManifestDescriptor.Digest.ToString(), pulled);

        var images = await sandbox.OkAsync("images");
        Assert.Contains("ubuntu", images.Stdout, StringComparison.Ordinal);
    }
}
