namespace Distill.Tests.Support;

/// <summary>
/// <c>FROM ubuntu</c> without the internet: a loopback <see cref="RegistryServer"/> holding the debootstrap Debian base
/// (<see cref="DebianBase.Path"/>) as <c>library/ubuntu:latest</c>, pushed there with the real CLI, and a registries.conf
/// (v2) that makes <c>docker.io</c> resolve to it (an insecure mirror). Pass <see cref="RegistriesConf"/> as
/// <c>--registries-conf</c>. Usable as a class fixture (xunit calls <see cref="InitializeAsync"/>) or on its own.
/// </summary>
public sealed class UbuntuMirror : IAsyncLifetime
{
    public const string Repository = "library/ubuntu";
    public const string Tag = "latest";

    private readonly TempDir _dir = new();
    private RegistryServer? _registry;

    public RegistryServer Registry => _registry ?? throw new InvalidOperationException("the mirror is not started");

    /// <summary>The registries.conf file that mirrors docker.io to <see cref="Registry"/>.</summary>
    public string RegistriesConf => _dir["registries.conf"];

    /// <summary>The manifest digest of <c>library/ubuntu:latest</c> on the mirror (as the push printed it).</summary>
    public string Digest { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var layout = DebianBase.Path;
        _registry = await RegistryServer.StartAsync();
        var cli = new DistillCli(_dir["push-store"]);
        var push = await cli.RunAsync("copy", $"oci:{layout}:{DebianBase.Tag}", $"docker://{_registry.Host}/{Repository}:{Tag}",
            "--dest-tls-verify=false", "--digestfile", _dir["digest"]);
        Assert.True(push.ExitCode == 0, $"pushing the Debian base to the mirror failed:\n{push.All}\nregistry log:\n{_registry.Log}");
        Digest = File.ReadAllText(_dir["digest"]).Trim();
        File.WriteAllText(RegistriesConf, $"""
            # docker.io is mirrored to a loopback docker-registry holding the Debian base as library/ubuntu
            [[registry]]
            prefix = "docker.io"
            location = "docker.io"

            [[registry.mirror]]
            location = "{_registry.Host}"
            insecure = true

            """);
    }

    public async ValueTask DisposeAsync()
    {
        if (_registry is not null)
            await _registry.DisposeAsync();
        _dir.Dispose();
    }
}
