using Distill.Tests.Support;

namespace Distill.Tests.Registry.Integration;

/// <summary>
/// registries.conf as podman and skopeo use it: docker.io mirrored to a loopback registry (so <c>distill pull ubuntu</c>
/// works offline), a dead first mirror falling through to the next, and a blocked registry as a one-line error.
/// </summary>
public sealed class RegistriesConfTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<string> PushUbuntuAsync(RegistryServer mirror, CliSandbox box)
    {
        var image = await RegistryImages.CreateLayoutAsync(box["ubuntu"], "latest", seed: 71, ct: Ct);
        await RegistryImages.PushAsync(mirror, box["ubuntu"], "latest", "library/ubuntu");
        return image.ManifestDescriptor.Digest.ToString();
    }

    private static string Mirror(string host) => $"""

        [[registry.mirror]]
        location = "{host}"
        insecure = true

        """;

    [Fact]
    public async Task Pull_of_a_docker_io_short_name_goes_to_the_mirror_offline()
    {
        await using var mirror = await RegistryServer.StartAsync(ct: Ct);
        using var box = new CliSandbox();
        var env = Loopback.Env(box.Temp);
        var expected = await PushUbuntuAsync(mirror, box);
        var conf = box.Temp.Write("registries.conf", $"""
            [[registry]]
            prefix = "docker.io"
            location = "docker.io"
            {Mirror(mirror.Host)}
            """);

        var pull = await box.RunAsync(["pull", "ubuntu:latest", "--registries-conf", conf], env);
        Assert.True(pull.ExitCode == 0, pull.All + mirror.Log);
        Assert.Equal(expected, CliSandbox.PrintedDigest(pull));
        LayoutValidator.AssertValid(box.Store.Layout, allowDockerMediaTypes: true);
        Assert.Equal(expected, box.Store.Read(Distill.Oci.ImageName.Parse("ubuntu"), Distill.Oci.Platform.LinuxAmd64).ManifestDescriptor.Digest.ToString());
        // copy docker:// takes the same way
        Assert.Equal(expected, await box.DigestOfAsync(["copy", "docker://ubuntu:latest", $"oci:{box["out"]}:u", "--registries-conf", conf], env));
        Assert.Equal(expected, Loopback.ManifestDigest(box["out"], "u"));
    }

    [Fact]
    public async Task A_stopped_mirror_falls_through_to_the_next()
    {
        await using var mirror = await RegistryServer.StartAsync(ct: Ct);
        string deadHost;
        await using (var dead = await RegistryServer.StartAsync(ct: Ct))
            deadHost = dead.Host;
        using var box = new CliSandbox();
        var env = Loopback.Env(box.Temp);
        var expected = await PushUbuntuAsync(mirror, box);
        var conf = box.Temp.Write("registries.conf", $"""
            [[registry]]
            prefix = "docker.io"
            location = "docker.io"
            {Mirror(deadHost)}
            {Mirror(mirror.Host)}
            """);

        var pull = await box.RunAsync(["pull", "ubuntu", "--registries-conf", conf], env);
        Assert.True(pull.ExitCode == 0, pull.All);
        Assert.Equal(expected, CliSandbox.PrintedDigest(pull));
        LayoutValidator.AssertValid(box.Store.Layout, allowDockerMediaTypes: true);
        box.AssertNoLeftovers();
    }

    [Fact]
    public async Task A_blocked_registry_is_a_one_line_error_naming_the_file_and_line()
    {
        await using var mirror = await RegistryServer.StartAsync(ct: Ct);
        using var box = new CliSandbox();
        var env = Loopback.Env(box.Temp);
        await PushUbuntuAsync(mirror, box);
        var conf = box.Temp.Write("registries.conf", $"""
            # docker.io is off limits here

            [[registry]]
            prefix = "docker.io"
            location = "docker.io"
            blocked = true
            {Mirror(mirror.Host)}
            """);

        var pull = await box.RunAsync(["pull", "ubuntu:latest", "--registries-conf", conf], env);
        CliSandbox.AssertOneLineError(pull, "blocked", "\"docker.io\"", conf + ":4"); // the line of its prefix
        Assert.DoesNotContain(mirror.Host, mirror.Log.Split('\n').Where(l => l.Contains("library/ubuntu", StringComparison.Ordinal) && l.Contains("distill", StringComparison.OrdinalIgnoreCase)));
        Assert.Empty(box.StoreBlobs());
    }
}
