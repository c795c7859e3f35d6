using System.Text.RegularExpressions;
using Distill.Tests.Support;

namespace Distill.Tests.Registry.Integration;

/// <summary>Interop with the Debian docker.io engine: what <c>docker push</c> pushes Distill pulls, and the other way round, same digests.</summary>
public sealed partial class DockerEngineTests
{
    [Fact]
    public async Task Docker_push_then_distill_pull_and_distill_push_then_docker_pull()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempDir();
        var cli = new DistillCli(temp["store"]);
        temp.Write("app/bin/tool", "#!/bin/sh\necho hi\n", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        temp.Write("app/etc/conf", "x=1\n");
        await cli.RunOkAsync("pack", temp["app"], "--entrypoint", "/bin/tool", "-o", $"docker-archive:{temp["img.tar"]}:dockerin:1", "-o", $"oci:{temp["layout"]}:v1");
        await using var registry = await RegistryServer.StartAsync(ct: ct);
        await using var docker = await DockerEngine.StartAsync(ct);

        await docker.RunOkAsync("load", "-i", temp["img.tar"]);
        await docker.RunOkAsync("tag", "dockerin:1", $"{registry.Host}/fromdocker/app:d");
        var pushed = await docker.RunOkAsync("push", $"{registry.Host}/fromdocker/app:d");
        var dockerDigest = PushDigest().Match(pushed.Stdout).Groups[1].Value;
        Assert.StartsWith("sha256:", dockerDigest, StringComparison.Ordinal);
        var pulled = await cli.RunOkAsync("pull", $"{registry.Host}/fromdocker/app:d", "--src-tls-verify=false");
        Assert.Equal(dockerDigest, CliSandbox.PrintedDigest(pulled));
        await cli.RunOkAsync("copy", $"{registry.Host}/fromdocker/app:d", $"oci:{temp["out"]}:d");
        LayoutValidator.AssertValid(temp["out"]);
        LayoutValidator.AssertValid(Path.Combine(cli.Store, "images"), allowDockerMediaTypes: true);

        var ours = CliSandbox.PrintedDigest(await cli.RunOkAsync("copy", $"oci:{temp["layout"]}:v1", $"docker://{registry.Host}/todocker/app:v1", "--dest-tls-verify=false"));
        await docker.RunOkAsync("pull", $"{registry.Host}/todocker/app:v1");
        var repoDigests = await docker.RunOkAsync("image", "inspect", "--format", "{{json .RepoDigests}}", $"{registry.Host}/todocker/app:v1");
        Assert.Contains($"{registry.Host}/todocker/app@{ours}", repoDigests.Stdout, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"digest: (sha256:[0-9a-f]{64})")]
    private static partial Regex PushDigest();
}
