using Distill.Tests.Support;

namespace Distill.Tests.Registry.Integration;

/// <summary>A registry with htpasswd (HTTP Basic) auth: credentials on the command line, from <c>distill login</c>, and wrong ones.</summary>
public sealed class BasicAuthTests
{
    private const string Password = "Basic-Pass-7319";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<RegistryServer> StartAsync() =>
        RegistryServer.StartAsync(new RegistryServerOptions { Auth = RegistryAuth.Htpasswd, Username = "alice", Password = Password }, Ct);

    [Fact]
    public async Task Push_and_pull_with_dest_creds_and_src_creds()
    {
        await using var registry = await StartAsync();
        using var box = new CliSandbox();
        var env = Loopback.Env(box.Temp);
        var image = await RegistryImages.CreateLayoutAsync(box["src"], "v1", seed: 51, ct: Ct);
        var expected = image.ManifestDescriptor.Digest.ToString();
        var push = await box.RunAsync(["copy", $"oci:{box["src"]}:v1", $"docker://{registry.Host}/app:v1", "--dest-tls-verify=false", "--dest-creds", registry.Credentials], env);
        Assert.True(push.ExitCode == 0, push.All);
        Assert.Equal(expected, CliSandbox.PrintedDigest(push));
        Assert.DoesNotContain(Password, push.All, StringComparison.Ordinal);
        Assert.Equal(image.ManifestBytes.ToArray(), await RegistryImages.InspectRawAsync(registry, "app", "v1"));

        var pull = await box.RunAsync(["copy", $"docker://{registry.Host}/app:v1", $"oci:{box["out"]}:v1", "--src-tls-verify=false", "--src-creds", registry.Credentials], env);
        Assert.True(pull.ExitCode == 0, pull.All);
        Assert.Equal(expected, CliSandbox.PrintedDigest(pull));
        Assert.Equal(expected, Loopback.ManifestDigest(box["out"], "v1"));

        // registry to registry, each side with its own credentials
        var across = await box.RunAsync(["copy", $"docker://{registry.Host}/app:v1", $"docker://{registry.Host}/copy:v1", "--src-tls-verify=false",
            "--dest-tls-verify=false", "--src-creds", registry.Credentials, "--dest-creds", registry.Credentials], env);
        Assert.True(across.ExitCode == 0, across.All);
        Assert.Equal(image.ManifestBytes.ToArray(), await RegistryImages.InspectRawAsync(registry, "copy", "v1"));
    }

    [Fact]
    public async Task After_distill_login_plain_copy_and_pull_use_the_stored_credentials()
    {
        await using var registry = await StartAsync();
        using var box = new CliSandbox();
        var env = Loopback.Env(box.Temp);
        var image = await RegistryImages.CreateLayoutAsync(box["src"], "v1", seed: 52, ct: Ct);
        var expected = image.ManifestDescriptor.Digest.ToString();

        var anonymous = await box.RunAsync(["copy", $"oci:{box["src"]}:v1", $"docker://{registry.Host}/app:v1", "--dest-tls-verify=false"], env);
        CliSandbox.AssertOneLineError(anonymous, "unauthorized", registry.Host);

        var login = await box.Cli.RunWithInputAsync(Password, ["login", "-u", "alice", "--password-stdin", registry.Host], env);
        Assert.True(login.ExitCode == 0, login.All);
        Assert.True(File.Exists(env["REGISTRY_AUTH_FILE"]));

        Assert.Equal(expected, await box.DigestOfAsync(["copy", $"oci:{box["src"]}:v1", $"docker://{registry.Host}/app:v1", "--dest-tls-verify=false"], env));
        Assert.Equal(expected, await box.DigestOfAsync(["pull", $"{registry.Host}/app:v1", "--src-tls-verify=false"], env));
        LayoutValidator.AssertValid(box.Store.Layout, allowDockerMediaTypes: true);
        // skopeo reads the same file
        var skopeo = await Tool.RunAsync(Tool.Require("skopeo", "skopeo"), ["inspect", "--raw", "--tls-verify=false", $"docker://{registry.Host}/app:v1"], env: env);
        Assert.True(skopeo.ExitCode == 0, skopeo.All);
        Assert.Equal(expected, Distill.Oci.Digest.Compute(System.Text.Encoding.UTF8.GetBytes(skopeo.Stdout)).ToString());

        var logout = await box.RunAsync(["logout", registry.Host], env);
        Assert.True(logout.ExitCode == 0, logout.All);
        CliSandbox.AssertOneLineError(await box.RunAsync(["copy", $"docker://{registry.Host}/app:v1", $"oci:{box["out"]}:v1", "--src-tls-verify=false"], env),
            "unauthorized", registry.Host);
    }

    [Fact]
    public async Task A_wrong_password_is_one_line_naming_the_registry_without_the_secret()
    {
        await using var registry = await StartAsync();
        using var box = new CliSandbox();
        var env = Loopback.Env(box.Temp);
        await RegistryImages.CreateLayoutAsync(box["src"], "v1", seed: 53, ct: Ct);
        const string wrong = "Wrong-Secret-0042";

        var push = await box.RunAsync(["copy", $"oci:{box["src"]}:v1", $"docker://{registry.Host}/app:v1", "--dest-tls-verify=false", "--dest-creds", $"alice:{wrong}"], env);
        CliSandbox.AssertOneLineError(push, "unauthorized", registry.Host);
        Assert.DoesNotContain(wrong, push.All, StringComparison.Ordinal);

        var pull = await box.RunAsync(["copy", $"docker://{registry.Host}/app:v1", $"oci:{box["out"]}:v1", "--src-tls-verify=false", "--src-creds", $"alice:{wrong}"], env);
        CliSandbox.AssertOneLineError(pull, "unauthorized", registry.Host);
        Assert.DoesNotContain(wrong, pull.All, StringComparison.Ordinal);
        Assert.False(Directory.Exists(box["out"]));
        box.AssertNoLeftovers();
    }
}
