using Distill.Tests.Support;

namespace Distill.Tests.Cli;

/// <summary><c>distill run</c> of a real distribution (the cached debootstrap base): usrmerge links, owners, USER by name.</summary>
public sealed class RunDebianBaseTests
{
    [Fact]
    public async Task A_debian_base_runs_a_shell_and_apt_as_the_user_asked()
    {
        using var temp = new TempDir();
        var image = $"oci:{DebianBase.Path}:latest";
        var cli = new DistillCli(temp["store"]);
        var root = await cli.RunAsync("run", image, "/bin/sh", "-c", "apt-get --version | head -1; stat -c '%U:%G %a' /var/mail; id -u");
        Assert.True(root.ExitCode == 0, root.All);
        Assert.Equal(["apt 2.6.1 (amd64)", "root:mail 2775", "0"], root.Stdout.Trim().Split('\n').Select(l => l.Trim()).Select(l => l.StartsWith("apt ", StringComparison.Ordinal) ? l[..17] : l));
        var mail = await cli.RunAsync("run", "-u", "mail", image, "id");
        Assert.True(mail.ExitCode == 0, mail.All);
        Assert.StartsWith("uid=8(mail) gid=8(mail)", mail.Stdout, StringComparison.Ordinal);
        var failing = await cli.RunAsync("run", image, "/bin/sh", "-c", "exit 42");
        Assert.Equal(42, failing.ExitCode);
        var unknown = await cli.RunAsync("run", "-u", "nobody-here", image, "id");
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("nobody-here", unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Containers_get_dockers_default_capabilities_so_su_and_chown_work()
    {
        using var temp = new TempDir();
        var cli = new DistillCli(temp["store"]);
        var result = await cli.RunOkAsync("run", $"oci:{DebianBase.Path}:latest", "/bin/sh", "-c",
            "su nobody -s /bin/sh -c 'id -un' && touch /tmp/f && chown nobody /tmp/f && stat -c %U /tmp/f && grep CapBnd /proc/self/status");
        Assert.Equal(["nobody", "nobody", "CapBnd:\t00000000a80425fb"], result.Stdout.Trim().Split('\n'));
    }
}
